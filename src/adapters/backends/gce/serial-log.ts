// Job logs of a GCE VM: serial port 1, read at most once per poll interval per VM (API read quota),
// done when the job's end marker appears or the VM is gone or stopped.
import { isStopping } from '../../../core/machine-state.js';
import type { LogChunk } from '../../../core/model.js';
import type { GceClient } from '../../gce/client.js';
import { GceApiError, GceUnavailable } from '../../gce/errors.js';
import { vmStatus } from '../../gce/vm-status.js';
import { VM_DONE_MARKER } from './startup-script.js';

export interface SerialLogState {
  /** VMs whose end marker was seen: every later read is done. */
  ended: Set<string>;
  /** When each VM's serial port was last read (ms since epoch). */
  lastRead: Map<string, number>;
  logPollMs: number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function readSerialLog(
  st: SerialLogState,
  client: () => Promise<GceClient>,
  zone: string,
  machineName: string,
  from: number,
): Promise<LogChunk> {
  const wait = (st.lastRead.get(machineName) ?? 0) + st.logPollMs - Date.now();
  if (wait > 0) await sleep(wait);
  st.lastRead.set(machineName, Date.now());
  const c = await client();
  try {
    return await readOnce(st, c, zone, machineName, from);
  } catch (e) {
    if (!(e instanceof GceUnavailable)) throw e;
    throw e.during(`the job keeps running; follow it again with \`mymlops logs ${machineName} -f\``);
  }
}

async function readOnce(
  st: SerialLogState,
  c: GceClient,
  zone: string,
  machineName: string,
  from: number,
): Promise<LogChunk> {
  const instance = () =>
    c.getInstance(zone, machineName).catch((e: unknown) => {
      if (e instanceof GceApiError && e.status === 404) return null;
      throw e;
    });
  let r: { contents: string; start: number; next: number };
  try {
    r = await c.serialPort(zone, machineName, from);
  } catch (e) {
    if (e instanceof GceApiError && e.status === 404) return { text: '', next: from, done: true };
    // The serial port answers 503 while a VM is stopping: a stopped VM has nothing more to say.
    if (!(e instanceof GceUnavailable)) throw e;
    const inst = await instance();
    const status = inst && vmStatus(inst.status);
    if (!status?.writesOutput) return { text: '', next: from, done: true };
    if (isStopping(status)) return { text: '', next: from, done: false };
    throw e;
  }
  let text = r.contents;
  if (r.start > from && from > 0)
    text = `[… ${r.start - from} bytes of console output were dropped by the serial port buffer …]\n${text}`;
  if (text.includes(VM_DONE_MARKER)) st.ended.add(machineName);
  let done = st.ended.has(machineName);
  if (!done && !text) {
    // No output: a stopped (e.g. preempted) VM will not write more.
    const inst = await instance();
    done = !inst || !vmStatus(inst.status).writesOutput;
  }
  return { text, next: r.next, done };
}
