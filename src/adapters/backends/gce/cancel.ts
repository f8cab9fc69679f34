// Cancelling a GCE commit: a running job is asked to stop through instance metadata (mymlops-cancel),
// so it publishes status "cancelled" itself like on the local backend; then the VM is deleted (at
// once when it is stopped, or after graceMs when the job does not end).
import type { GceClient } from '../../gce/client.js';
import { GceApiError, GceUnavailable } from '../../gce/errors.js';
import { vmStatus } from '../../gce/vm-status.js';
import { sleep } from './serial-log.js';
import { VM_DONE_MARKER } from './startup-script.js';

export async function cancelVm(
  c: GceClient,
  zone: string,
  machineName: string,
  graceMs: number,
  logPollMs: number,
): Promise<void> {
  const gone = (e: unknown) => e instanceof GceApiError && e.status === 404;
  try {
    const inst = await c.getInstance(zone, machineName);
    // Only a mymlops job reads mymlops-cancel; a VM of the original tool is deleted at once.
    const runsOurJob = (inst.metadata?.items ?? []).some((it) => it.key === 'mymlops-job-script');
    if (vmStatus(inst.status).guestUp && runsOurJob) {
      await c.setMetadata(zone, machineName, { 'mymlops-cancel': 'requested' });
      let from = -64 * 1024;
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline) {
        await sleep(Math.min(logPollMs * 2, 2000));
        const r = await c.serialPort(zone, machineName, from);
        from = r.next;
        if (r.contents.includes(VM_DONE_MARKER)) break;
      }
    }
    const op = await c.deleteInstance(zone, machineName);
    await c.waitOperation(zone, op, 5 * 60_000);
  } catch (e) {
    if (gone(e)) return; // the VM deleted itself after publishing
    if (e instanceof GceUnavailable)
      throw e.during(`the VM may still be running; cancel it again with \`mymlops cancel ${machineName}\``);
    throw e;
  }
}
