// `mymlops logs NAME` for dev machines: the local dev script's log or the GCE VM's serial console.
import { findDevMachine } from '../adapters/backends/local/devvm.js';
import { mymlopsHome } from '../util/paths.js';
import { StreamRedactor } from '../util/redact.js';
import { backendFor } from './context.js';

/** Prints the log of dev machine `name`; false when `name` is not a dev machine started here. */
export async function devLogs(name: string, follow: boolean, home: string = mymlopsHome()): Promise<boolean> {
  const rec = findDevMachine(home, name);
  if (!rec) return false;
  const backend = backendFor({ backend: rec.backend }, home);
  let stop = false;
  const onInt = () => {
    stop = true;
  };
  process.once('SIGINT', onInt);
  try {
    let from = 0;
    // A secret split across two reads is still redacted whole.
    const redacted = new StreamRedactor();
    while (!stop) {
      const chunk = await backend.readLog(name, from);
      process.stdout.write(redacted.push(chunk.text));
      const idle = !chunk.text || chunk.next === from;
      from = chunk.next;
      if (idle && (!follow || chunk.done)) break;
      if (idle) await new Promise((r) => setTimeout(r, 1000));
    }
    process.stdout.write(redacted.flush());
  } finally {
    process.off('SIGINT', onInt);
  }
  return true;
}
