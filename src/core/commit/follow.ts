// Following a job's log until it ends, through the backend interface (local file or serial port).
// The job script's last lines say how it ended (see src/core/job/script.ts); what that outcome
// means for the user is outcome.ts.
import type { ComputeBackend } from '../ports/backend.js';
import { FINISHED_PREFIX, RESULT_PREFIX } from '../job/script.js';
import type { CellError, CommitStatus } from '../model.js';
import type { JobOutcome } from './outcome.js';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function progressOf(v: unknown): JobOutcome['progress'] {
  const p = v as { cells_done?: unknown; cells_total?: unknown } | null;
  return p && typeof p.cells_done === 'number' && typeof p.cells_total === 'number'
    ? { cells_done: p.cells_done, cells_total: p.cells_total }
    : null;
}

/** Scans log text for the job's result line (incrementally: feed chunks, read `outcome`). */
export class OutcomeScanner {
  private rest = '';
  outcome: JobOutcome | null = null;
  finished = false;

  feed(text: string): void {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
  }

  private line(line: string): void {
    if (line.startsWith(RESULT_PREFIX)) {
      try {
        const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
        this.outcome = {
          status: r['status'] as CommitStatus,
          exitCode: typeof r['exit_code'] === 'number' ? r['exit_code'] : null,
          error: (r['error'] as CellError | null) ?? null,
          message: typeof r['message'] === 'string' ? r['message'] : null,
          published: r['published'] === true,
          reason: typeof r['reason'] === 'string' ? r['reason'] : null,
          progress: progressOf(r['progress']),
          durationSeconds: num(r['duration_seconds']),
          costUsd: num((r['cost'] as { amount_usd?: unknown } | null)?.amount_usd),
          machineType: str(r['machine_type']),
          zone: str(r['zone']),
        };
      } catch {}
    } else if (line.startsWith(FINISHED_PREFIX)) this.finished = true;
  }
}

export async function followLog(
  backend: ComputeBackend,
  machineName: string,
  opts: { from?: number; write: (text: string) => void; pollMs?: number; signal?: AbortSignal },
): Promise<{ outcome: JobOutcome | null; next: number }> {
  const scanner = new OutcomeScanner();
  let from = opts.from ?? 0;
  for (;;) {
    const chunk = await backend.readLog(machineName, from);
    if (chunk.text) {
      opts.write(chunk.text);
      scanner.feed(chunk.text);
    }
    from = chunk.next;
    if (chunk.done && !chunk.text) break;
    if (opts.signal?.aborted) return { outcome: null, next: from };
    // Once the last line is out the process exits within milliseconds: look again sooner.
    if (!chunk.text) await new Promise((r) => setTimeout(r, scanner.finished ? 20 : (opts.pollMs ?? 150)));
  }
  scanner.end();
  return { outcome: scanner.outcome, next: from };
}
