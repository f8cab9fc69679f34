// `mymlops retry ID`: relaunch a commit's snapshot (source_commit from its launch record) as attempt
// n+1 under a new machine name, trying other zones before the one it was preempted in. The old
// (stopped) machine is deleted once the new one runs. Also used by the commit follower to retry
// automatically after a preemption (commit.retry.preempted).
import type { CommitPlan, ComputeBackend } from '../ports/backend.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { launchRecorded } from '../commit/launch-record.js';
import { planCommit, requireCommitSection } from '../commit/plan.js';
import { launchFailureError } from '../launch-failure.js';
import type { CommitStatus, Machine } from '../model.js';
import { isLive, isStopping } from '../machine-state.js';

/** Statuses that say the job has its final result (its machine may still be going down). */
const ENDED: readonly CommitStatus[] = ['succeeded', 'failed', 'cancelled', 'stopped'];

export interface RetryDeps {
  readLaunch(id: string): LaunchRecord | null;
  recordLaunch(rec: LaunchRecord): void;
  backend(): ComputeBackend;
  now(): Date;
  /** The job script's text (read from the shipped assets by the caller). */
  jobScript(): string;
}

/** What automatic retries also need: the persistent, cross-process record of what was retried. */
export interface AutoRetryDeps extends RetryDeps {
  /** Atomically claim the relaunch of a preempted machine; false when someone else already did. */
  claimRetry(commitId: string, machine: string): boolean;
  /** Machines of the commit already relaunched automatically (their count is the retries made). */
  retryClaims(commitId: string): string[];
}

export interface Retried {
  commitId: string;
  attempt: number;
  plan: CommitPlan;
  machine: Machine;
  previous: LaunchRecord;
}

export async function retryCommit(
  config: Config,
  id: string,
  deps: RetryDeps,
  opts: {
    sshOptions?: string[];
    pollMs?: number;
    stoppingPolls?: number;
    /** Run a succeeded commit again (its result stays in `attempts` and the output history). */
    force?: boolean;
    /** The commit's status as the output repository / its machine last said (null: unknown). */
    lastStatus?: () => Promise<CommitStatus | null>;
  } = {},
): Promise<Retried> {
  requireCommitSection(config);
  const rec = deps.readLaunch(id);
  if (!rec)
    throw new UserError(
      `no commit ${id} was launched from this machine`,
      'pass a commit id shown by `mymlops status`',
    );
  // A queued sweep run has no machine and no attempt yet: its scheduler starts it (once).
  if (rec.queued)
    throw new UserError(
      `commit ${rec.commit} is a run of sweep ${rec.group ?? '(unknown)'} that has not started yet`,
      rec.group
        ? `its sweep starts it; stop the sweep with \`mymlops cancel ${rec.group}\``
        : 'its sweep starts it',
    );
  const backend = deps.backend();
  if (backend.kind !== rec.backend)
    throw new UserError(
      `commit ${rec.commit} ran on the ${rec.backend} backend but mymlops.yml says ${backend.kind}`,
      `retry it with a config for the ${rec.backend} backend`,
    );
  const last = (await opts.lastStatus?.()) ?? null;
  const refusal = retryRefusal(rec.commit, last, opts.force ?? false);
  if (refusal) throw refusal;
  let old = (await backend.list()).find((m) => m.name === rec.machine);
  // A job with its final result is over, whatever its machine does next: a VM still up right after
  // it is deleting or stopping itself, so it is no reason to refuse (and is deleted below).
  const over = last !== null && ENDED.includes(last);
  // A preempted VM is STOPPING for up to ~30 s before it is TERMINATED: wait for it (bounded).
  for (let i = 0; !over && old && isStopping(old) && i < (opts.stoppingPolls ?? 45); i++) {
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 2000));
    old = (await backend.list()).find((m) => m.name === rec.machine);
  }
  if (!over && old && isLive(old))
    throw new UserError(
      `commit ${rec.commit} is still ${old.state} on ${rec.machine}`,
      `follow it with \`mymlops logs ${rec.commit} -f\`, or stop it with \`mymlops cancel ${rec.commit}\` first`,
    );
  const attempt = rec.attempt + 1;
  const plan = planCommit({
    config,
    request: {
      notebook: rec.notebook,
      notes: rec.notes,
      artifacts: rec.artifacts ?? false,
      keepMachine: rec.keep_machine ?? false,
      parameters: rec.parameters ?? null,
      group: rec.group ?? null,
    },
    commitId: rec.commit,
    sourceCommit: rec.source_commit,
    attempt,
    avoidZones: rec.zone ? [rec.zone] : [],
    sshOptions: opts.sshOptions ?? [],
    jobScript: deps.jobScript(),
  });
  // Recorded before the insert, so an interrupted relaunch is found like an interrupted commit.
  const { sent, outcome } = await launchRecorded({
    backend,
    plan,
    rec: { ...rec, attempt, created_at: deps.now().toISOString() },
    write: (r) => deps.recordLaunch(r),
  });
  if ('thrown' in outcome) {
    if (!sent) deps.recordLaunch(rec);
    throw outcome.thrown;
  }
  const launched = outcome.result;
  if (!launched.ok) {
    // Nothing was created: the commit is where it was.
    deps.recordLaunch(rec);
    throw launchFailureError({ kind: 'retry', commitId: rec.commit }, launched.error);
  }
  // The preempted VM (stopped, still holding its disk) is of no further use.
  if (old) await backend.cancel(old.name).catch(() => undefined);
  return { commitId: rec.commit, attempt, plan, machine: launched.value.machine, previous: rec };
}

/**
 * Retry is for commits that did not finish: a succeeded one is run again only with --force, so a
 * result is never replaced by accident (with --force the job folds it into `attempts`, and the
 * output branch keeps it in its history: pushes are never forced).
 */
export function retryRefusal(
  commitId: string,
  status: CommitStatus | null,
  force: boolean,
): UserError | null {
  if (status !== 'succeeded' || force) return null;
  return new UserError(
    `commit ${commitId} succeeded: retry is for stopped, preempted or failed commits`,
    `run it again anyway with \`mymlops retry ${commitId} --force\` (the result stays in its attempts)`,
  );
}
