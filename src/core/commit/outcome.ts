// How a followed job ended, decided once: the outcome (the job's result line, or its published
// metadata.json) → which message says it, the line, and the exit code (EXIT in src/errors.ts).
// `commit`, `logs -f` and `retry` report through it (src/app/commit/follow.ts), `logs NAME` exits by it
// (src/app/dev/logs.ts), and the automatic retry asks it whether a shutdown may have ended the job.
import { EXIT } from '../../errors.js';
import type { CellError, CommitMetadata, CommitStatus } from '../model.js';
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

/** What the follower knows of the machine beyond the job's result (spot comes from the config). */
export interface RunFacts {
  spot?: boolean | null;
  /** The job's folder is on a disk with no space left (this path): why a job may end without a result. */
  fullDisk?: string | null;
}

/** Which message says how a job ended. */
export type OutcomeClass =
  | 'succeeded'
  /** failed, cancelled (or a status the job does not write itself: lost, unknown): the status and why. */
  | 'not-succeeded'
  /** A shutdown stopped it; its partial notebook was pushed. */
  | 'stopped-pushed'
  /** A shutdown stopped it; the partial notebook is kept on the machine. */
  | 'stopped-kept'
  /** The job ended without a result line (killed, or a full disk). */
  | 'no-result';

export function outcomeClass(outcome: JobOutcome | null): OutcomeClass {
  if (!outcome) return 'no-result';
  if (outcome.status === 'succeeded') return 'succeeded';
  if (outcome.status === 'stopped') return outcome.published ? 'stopped-pushed' : 'stopped-kept';
  return 'not-succeeded';
}

/** Only a job that succeeded exits 0; any other end is the job's failure (exit 1). */
export function outcomeExitCode(outcome: JobOutcome | null): number {
  return outcomeClass(outcome) === 'succeeded' ? EXIT.ok : EXIT.failed;
}

/**
 * Whether a shutdown may have ended the job: it ends with its own `stopped` result (it pushed what
 * it had), or with none when the power went off first. Any other result is final.
 */
export function endedByShutdown(outcome: JobOutcome | null): boolean {
  const c = outcomeClass(outcome);
  return c === 'stopped-pushed' || c === 'stopped-kept' || c === 'no-result';
}

export interface JobVerdict {
  class: OutcomeClass;
  exitCode: number;
  /** The follower's last line (finalLine). */
  line: string;
  /** The status `--json` reports: a job without a result reads as stopped. */
  status: CommitStatus;
}

export function jobVerdict(commitId: string, outcome: JobOutcome | null, facts: RunFacts = {}): JobVerdict {
  return {
    class: outcomeClass(outcome),
    exitCode: outcomeExitCode(outcome),
    line: finalLine(commitId, outcome, facts),
    status: outcome?.status ?? 'stopped',
  };
}

/** One line describing how a job ended, for the CLI. */
export function outcomeLine(commitId: string, o: JobOutcome | null, facts: RunFacts = {}): string {
  const c = outcomeClass(o);
  if (!o || c === 'no-result')
    return facts.fullDisk
      ? `commit ${commitId} stopped: the job ended without a result — the disk holding ${facts.fullDisk} is full (it could not write its notebook or log); free space there, then \`mymlops retry ${commitId}\``
      : `commit ${commitId} stopped: the job ended without a result (killed?)`;
  if (c === 'succeeded') return `commit ${commitId} succeeded`;
  if (c === 'stopped-pushed' || c === 'stopped-kept') return stoppedLine(commitId, o);
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

/**
 * The follower's last line: how the job ended, how long it ran and what it cost, e.g.
 * `commit X succeeded in 4m 12s · ~$0.03 (n1-standard-8 spot, us-central1-a)`; a failure adds the
 * error (and, when it failed, where its log is). Without a duration (an older job) it is `outcomeLine`'s.
 */
export function finalLine(commitId: string, o: JobOutcome | null, facts: RunFacts = {}): string {
  const c = outcomeClass(o);
  if (!o || c === 'no-result' || c === 'stopped-pushed' || c === 'stopped-kept' || o.durationSeconds == null)
    return outcomeLine(commitId, o, facts);
  const cost = o.costUsd != null ? ` · ~${o.costUsd < 0.01 ? '<$0.01' : `$${o.costUsd.toFixed(2)}`}` : '';
  const type = o.machineType ? `${o.machineType}${facts.spot ? ' spot' : ''}` : null;
  const where = [type, o.zone].filter(Boolean).join(', ');
  const head = `commit ${commitId} ${o.status} in ${formatDuration(o.durationSeconds)}${cost}${where ? ` (${where})` : ''}`;
  if (c === 'succeeded') return head;
  const why = reasonOf(o);
  const see = o.status === 'failed' ? `; see mymlops logs ${commitId}` : '';
  return `${head}${why ? ` — ${why}` : ''}${see}`;
}

/** A job stopped by a shutdown: why, how far it got, what it pushed, and how to finish it. */
function stoppedLine(commitId: string, o: JobOutcome): string {
  const why = o.reason === 'preempted' ? 'was preempted' : 'was stopped (the machine was shut down)';
  const p = o.progress;
  const after = p && p.cells_total > 0 ? ` after ${p.cells_done}/${p.cells_total} cells` : '';
  const pushed =
    outcomeClass(o) === 'stopped-pushed'
      ? 'partial notebook pushed'
      : 'the partial notebook could not be pushed (it is kept on the machine)';
  return `commit ${commitId} ${why}${after} — ${pushed}; \`mymlops retry ${commitId}\` runs it again`;
}

/**
 * How the job ended, from its published metadata.json (the job's folder on the output branch);
 * null while that is a progress push (`processing`) or the launch's (`provisioning`).
 */
export function publishedOutcome(m: Partial<CommitMetadata> | null | undefined): JobOutcome | null {
  if (!m?.status || m.status === 'processing' || m.status === 'provisioning') return null;
  return {
    status: m.status,
    exitCode: m.exit_code ?? null,
    error: m.error ?? null,
    message: m.message ?? null,
    published: true,
    durationSeconds: m.duration_seconds ?? null,
    costUsd: m.cost?.amount_usd ?? null,
    machineType: m.machine_type ?? null,
    zone: m.zone ?? null,
  };
}
