// `mymlops logs NAME` for a machine with no launch record here: a dev machine started from this
// computer (the local dev script's log or the GCE VM's serial console), or any machine the
// configured backend lists by name or commit id (a VM launched from another computer or by the
// original tool: its serial console, as the original's `startup_logs` read it).
import { findDevMachine } from '../../adapters/backends/local/devvm.js';
import { followLog, OutcomeScanner } from '../../core/commit/follow.js';
import { outcomeExitCode } from '../../core/commit/outcome.js';
import { tailLines } from '../../core/logs/text.js';
import type { ComputeBackend } from '../../core/ports/backend.js';
import { EXIT, ExitCode } from '../../errors.js';
import { mymlopsHome } from '../../util/paths.js';
import { redact, StreamRedactor } from '../../util/redact.js';
import { backendFor } from '../context.js';

/** Prints the log of dev machine `name`; false when `name` is not a dev machine started here. */
export async function devLogs(name: string, follow: boolean, home: string = mymlopsHome()): Promise<boolean> {
  const rec = findDevMachine(home, name);
  if (!rec) return false;
  await machineLog(backendFor({ backend: rec.backend }, home), name, { follow, tail: null });
  return true;
}

/**
 * Prints machine `name`'s log (its last `tail` lines), then with `follow` what it writes until it
 * stops or is gone; exit 1 when the log ends with a mymlops job's result that is not a success.
 */
export async function machineLog(
  backend: ComputeBackend,
  name: string,
  o: { follow: boolean; tail: number | null },
): Promise<void> {
  let text = '';
  let from = 0;
  for (;;) {
    const chunk = await backend.readLog(name, from);
    text += chunk.text;
    if (!chunk.text || chunk.next === from) break;
    from = chunk.next;
  }
  process.stdout.write(redact(o.tail === null ? text : tailLines(text, o.tail)));
  const scan = new OutcomeScanner();
  scan.feed(text);
  if (o.follow) {
    const abort = new AbortController();
    const onInt = () => abort.abort();
    process.once('SIGINT', onInt);
    // A secret split across two reads is still redacted whole.
    const redacted = new StreamRedactor();
    try {
      await followLog(backend, name, {
        from,
        write: (t) => {
          process.stdout.write(redacted.push(t));
          scan.feed(t);
        },
        signal: abort.signal,
        pollMs: 1000,
      });
    } finally {
      process.stdout.write(redacted.flush());
      process.off('SIGINT', onInt);
    }
    if (abort.signal.aborted) throw new ExitCode(130);
  }
  scan.end();
  // No result line: not a mymlops job's log (a dev machine's), nothing to judge.
  const code = scan.outcome ? outcomeExitCode(scan.outcome) : EXIT.ok;
  if (code !== EXIT.ok) throw new ExitCode(code);
}
