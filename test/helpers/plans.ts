// Launch plans for tests, made by the real planner so their job.json is the contract's type.
import type { Config, Instance } from '../../src/config/types.js';
import { planCommit } from '../../src/core/commit/plan.js';
import type { CommitPlan } from '../../src/core/ports/backend.js';
import { readJobScript } from '../../src/adapters/assets.js';

export const GCE_INSTANCE: Instance = {
  zone_regex: 'us-.*',
  machine_type: 'n1-standard-8',
  snapshot: 's',
  image: null,
  accelerator: 'nvidia-tesla-t4',
  accelerator_count: 1,
  disk_size_gb: 100,
  disk_type: 'pd-ssd',
  spot: true,
};

/** GCE_INSTANCE as the simulator tests launch it: a smaller machine from snapshot mymlops-image, no GPU. */
export const SIM_INSTANCE: Instance = {
  ...GCE_INSTANCE,
  machine_type: 'n1-standard-4',
  snapshot: 'mymlops-image',
  accelerator: null,
};

export const testConfig = (backend: 'local' | 'gce'): Config => ({
  file: '/r/mymlops.yml',
  dir: '/r',
  backend,
  gcp: { project: null, network: 'n', subnetwork: null, service_account: 'default' },
  commit: {
    command: 'papermill',
    instance: backend === 'gce' ? GCE_INSTANCE : null,
    repository: { url: 'git@github.com:me/repo.git', branch: 'main', deploy_key: '/k/repo' },
    output_repository: { url: 'git@github.com:me/out.git', branch: 'master', deploy_key: undefined },
    progress_interval: 60,
    max_duration: 3600,
    log_max_bytes: 2048,
    retry: { preempted: 0 },
    prune_after_days: 30,
    snapshot: { include: [], exclude: [], max_file_mb: 50, max_total_mb: 200 },
  },
  start: null,
  dashboard: { links: {}, tunnel: null },
});

/** A gce commit plan of `commitId` (planned as attempt `attempt`), then `over` on top. */
export function testCommitPlan(
  commitId: string,
  over: Partial<Omit<CommitPlan, 'kind' | 'commitId' | 'jobConfig'>> = {},
  o: { attempt?: number; backend?: 'local' | 'gce' } = {},
): CommitPlan {
  const plan = planCommit({
    config: testConfig(o.backend ?? 'gce'),
    request: { notebook: 'nb/a.ipynb', notes: null, artifacts: false, keepMachine: false },
    commitId,
    sourceCommit: 'a'.repeat(40),
    attempt: o.attempt ?? 1,
    jobScript: readJobScript(),
  });
  return { ...plan, ...over };
}
