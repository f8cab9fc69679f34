// Following a job's log until it ends, through the backend interface (local file or serial port).
// The job script's last lines say how it ended (see src/core/job/script.ts).
import type { ComputeBackend } from '../ports/backend.js';
import { FINISHED_PREFIX, RESULT_PREFIX } from '../job/script.js';
import type { CellError, CommitStatus } from '../model.js';

export interface JobOutcome {
  status: CommitStatus;
  exitCode: number | null;
  error: CellError | null;
  message: string | null;
  published: boolean;
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

/** One line describing how a job ended, for the CLI. */
export function outcomeLine(commitId: string, o: JobOutcome | null): string {
  if (!o) return `commit ${commitId} stopped: the job ended without a result (killed?)`;
  if (o.status === 'succeeded') return `commit ${commitId} succeeded`;
  const parts: string[] = [];
  if (o.error) parts.push(`${o.error.ename}: ${o.error.evalue.split('\n')[0]} (cell ${o.error.cell})`);
  // With a cell error the error is the news; "exited with code 1" / "has an error output" add nothing.
  const redundant =
    o.error && o.message && /^the (command exited with code|notebook has an error output)/.test(o.message);
  if (o.message && !redundant) parts.push(o.message);
  return `commit ${commitId} ${o.status}${parts.length ? ` — ${parts.join('; ')}` : ''}`;
}
