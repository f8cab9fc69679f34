// Following a commit's job until it ends and reporting how it ended — the one copy `commit`,
// `logs -f` and `retry` share. Ctrl-C stops following, never the job (exit 130).
import { type JobOutcome, outcomeLine } from '../core/commit/follow.js';
import { ExitCode } from '../errors.js';
import { colorErr } from '../util/log.js';

export interface FollowReport {
  commitId: string;
  /** Follows the log; must return early once `signal` is aborted. */
  follow(signal: AbortSignal): Promise<{ outcome: JobOutcome | null }>;
  /** Printed on stderr after Ctrl-C (nothing when absent). */
  interrupted?: string;
  /** With --json: this object plus the outcome is printed on stdout, and success stays quiet. */
  json?: Record<string, unknown> | null;
}

/** Resolves when the job succeeded; throws ExitCode(1) when it did not, ExitCode(130) on Ctrl-C. */
export async function followAndReport(r: FollowReport): Promise<void> {
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once('SIGINT', onInt);
  let outcome: JobOutcome | null;
  try {
    ({ outcome } = await r.follow(abort.signal));
  } finally {
    process.off('SIGINT', onInt);
  }
  if (abort.signal.aborted) {
    if (r.interrupted) process.stderr.write(r.interrupted);
    throw new ExitCode(130);
  }
  if (r.json)
    process.stdout.write(`${JSON.stringify({ ...r.json, ...(outcome ?? { status: 'stopped' }) })}\n`);
  const line = outcomeLine(r.commitId, outcome);
  if (outcome?.status === 'succeeded') {
    if (!r.json) process.stderr.write(`${colorErr.green(`mymlops: ${line}`)}\n`);
    return;
  }
  process.stderr.write(`${colorErr.red(`mymlops: ${line}`)}\n`);
  throw new ExitCode(1);
}
