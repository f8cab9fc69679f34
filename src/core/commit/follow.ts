// Following a job's log until it ends, through the backend interface (local file or serial port).
// The job script's last lines say how it ended (see src/core/job/script.ts).
import type { ComputeBackend } from '../ports/backend.js';
import { FINISHED_PREFIX, RESULT_PREFIX } from '../job/script.js';
import type { CellError, CommitStatus } from '../model.js';
import { formatDuration } from './progress-line.js';

export interface JobOutcome {
  status: CommitStatus;
  exitCode: number | null;
  error: CellError | null;
  message: string | null;
  published: boolean;
  /** Why a stopped job stopped: `preempted` or `stopped` (another shutdown). */
  reason?: string | null;
  /** Code cells run / code cells in the notebook, when the job counted them. */
  progress?: { cells_done: number; cells_total: number } | null;
  /** The command's run time (the job's started → finished), when the job measured it. */
  durationSeconds?: number | null;
  /** machine.hourly_usd × the duration, when the price was known. */
  costUsd?: number | null;
  machineType?: string | null;
  zone?: string | null;
}

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

/** One line describing how a job ended, for the CLI. */
export function outcomeLine(commitId: string, o: JobOutcome | null, facts: RunFacts = {}): string {
  if (!o && facts.fullDisk)
    return `commit ${commitId} stopped: the job ended without a result — the disk holding ${facts.fullDisk} is full (it could not write its notebook or log); free space there, then \`mymlops retry ${commitId}\``;
  if (!o) return `commit ${commitId} stopped: the job ended without a result (killed?)`;
  if (o.status === 'succeeded') return `commit ${commitId} succeeded`;
  if (o.status === 'stopped') return stoppedLine(commitId, o);
  const why = reasonOf(o);
  return `commit ${commitId} ${o.status}${why ? ` — ${why}` : ''}`;
}

/** The error and the message of a job that did not succeed, without saying the same twice. */
function reasonOf(o: JobOutcome): string {
  const parts: string[] = [];
  if (o.error) parts.push(`${o.error.ename}: ${o.error.evalue.split('\n')[0]} (cell ${o.error.cell})`);
  // With a cell error the error is the news; "exited with code 1" / "has an error output" add nothing.
  const redundant =
    o.error && o.message && /^the (command exited with code|notebook has an error output)/.test(o.message);
  if (o.message && !redundant) parts.push(o.message);
  return parts.join('; ');
}

/** What the follower knows of the machine beyond the job's result (spot comes from the config). */
export interface RunFacts {
  spot?: boolean | null;
  /** The job's folder is on a disk with no space left (this path): why a job may end without a result. */
  fullDisk?: string | null;
}

/**
 * The follower's last line: how the job ended, how long it ran and what it cost, e.g.
 * `commit X succeeded in 4m 12s · ~$0.03 (n1-standard-8 spot, us-central1-a)`; a failure adds the
 * error (and, when it failed, where its log is). Without a duration (an older job) it is `outcomeLine`'s.
 */
export function finalLine(commitId: string, o: JobOutcome | null, facts: RunFacts = {}): string {
  if (!o || o.status === 'stopped' || o.durationSeconds == null) return outcomeLine(commitId, o, facts);
  const cost = o.costUsd != null ? ` · ~${o.costUsd < 0.01 ? '<$0.01' : `$${o.costUsd.toFixed(2)}`}` : '';
  const type = o.machineType ? `${o.machineType}${facts.spot ? ' spot' : ''}` : null;
  const where = [type, o.zone].filter(Boolean).join(', ');
  const head = `commit ${commitId} ${o.status} in ${formatDuration(o.durationSeconds)}${cost}${where ? ` (${where})` : ''}`;
  if (o.status === 'succeeded') return head;
  const why = reasonOf(o);
  const see = o.status === 'failed' ? `; see mymlops logs ${commitId}` : '';
  return `${head}${why ? ` — ${why}` : ''}${see}`;
}

/** A job stopped by a shutdown: why, how far it got, what it pushed, and how to finish it. */
function stoppedLine(commitId: string, o: JobOutcome): string {
  const why = o.reason === 'preempted' ? 'was preempted' : 'was stopped (the machine was shut down)';
  const p = o.progress;
  const after = p && p.cells_total > 0 ? ` after ${p.cells_done}/${p.cells_total} cells` : '';
  const pushed = o.published
    ? 'partial notebook pushed'
    : 'the partial notebook could not be pushed (it is kept on the machine)';
  return `commit ${commitId} ${why}${after} — ${pushed}; \`mymlops retry ${commitId}\` runs it again`;
}
