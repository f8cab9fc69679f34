// Following a commit with automatic retries after preemption (commit.retry.preempted: N): when the
// log ends without a result and the backend confirms a preemption, the commit is relaunched (at most
// once per preemption, N times in all) and the new machine is followed.
import type { ComputeBackend } from '../../adapters/backends/types.js';
import type { Config } from '../../config/types.js';
import { followLog, type JobOutcome } from '../commit/follow.js';
import { type RetryDeps, retryCommit } from './retry.js';

/** Backends that can tell a preemption from other stops (gce). */
interface PreemptionAware {
  wasPreempted(machineName: string): Promise<boolean>;
}
const canTell = (b: ComputeBackend): b is ComputeBackend & PreemptionAware =>
  typeof (b as Partial<PreemptionAware>).wasPreempted === 'function';

export interface FollowRetryOptions {
  config: Config;
  commitId: string;
  backend: ComputeBackend;
  machineName: string;
  deps: RetryDeps;
  write: (text: string) => void;
  notify: (line: string) => void;
  signal?: AbortSignal;
  sshOptions?: string[];
}

export async function followWithRetry(
  o: FollowRetryOptions,
): Promise<{ outcome: JobOutcome | null; next: number; machineName: string; retries: number }> {
  const max = o.config.commit?.retry.preempted ?? 0;
  let machineName = o.machineName;
  let retries = 0;
  for (;;) {
    const res = await followLog(o.backend, machineName, {
      write: o.write,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (res.outcome || o.signal?.aborted || retries >= max || !canTell(o.backend))
      return { ...res, machineName, retries };
    if (!(await o.backend.wasPreempted(machineName))) return { ...res, machineName, retries };
    retries++;
    o.notify(`mymlops: ${machineName} was preempted — relaunching (retry ${retries} of ${max})`);
    const r = await retryCommit(o.config, o.commitId, o.deps, { sshOptions: o.sshOptions ?? [] });
    o.notify(
      `mymlops: commit ${o.commitId} attempt ${r.attempt} running on ${r.machine.name} in ${r.machine.zone}`,
    );
    machineName = r.machine.name;
  }
}
