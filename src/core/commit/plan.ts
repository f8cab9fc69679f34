// Pure planning of a commit: from the config, the request and the snapshot to the LaunchPlan every
// backend runs (job script + job.json) and the metadata.json base. No I/O here: the job script's
// text comes in (src/adapters/assets.ts reads it).
import { posix } from 'node:path';
import type { Config } from '../../config/types.js';
import { UserError } from '../../errors.js';
import type { CommitPlan } from '../ports/backend.js';
import type { CommitJobJson, MetadataBase } from '../ports/job-json.js';
import { splitUrlCredentials } from '../../util/url.js';
import type { RunParameters } from '../sweep/expand.js';
import { machineNameFor, snapshotRef } from './ids.js';

export type { MetadataBase };

export interface CommitRequest {
  /** Notebook path inside the repository, POSIX separators. */
  notebook: string;
  notes: string | null;
  artifacts: boolean;
  keepMachine: boolean;
  /** `-p` values and their injected cell (src/core/params/); null = none. */
  parameters?: RunParameters | null;
  /** The sweep's group id, when this commit is one run of a sweep. */
  group?: string | null;
}

export interface PlanInput {
  config: Config;
  request: CommitRequest;
  commitId: string;
  /** The snapshot commit's SHA (dry runs pass a placeholder). */
  sourceCommit: string;
  /** 1 for the commit, n + 1 for a relaunch (machine `<name>-a<n>`, metadata attempt). */
  attempt?: number;
  /** Zones to try last: a relaunch avoids the zone the previous attempt was preempted in. */
  avoidZones?: string[];
  /** Extra ssh arguments for git on the machine (MYMLOPS_SSH_OPTIONS). */
  sshOptions?: string[];
  /** The job script's text (src/core/job/script.ts, from the shipped assets). */
  jobScript: string;
}

/** Stops a command that needs commit: when the config has none, with the fix. */
export function requireCommitSection(
  config: Config,
): asserts config is Config & { commit: NonNullable<Config['commit']> } {
  if (!config.commit)
    throw new UserError(
      `${config.file} has no commit section`,
      'add commit: {command, repository, output_repository}',
    );
}

function commitSection(config: Config) {
  const c = config.commit;
  if (!c) throw new Error('planCommit needs a config with a commit section');
  return c;
}

export function metadataBase(input: PlanInput): MetadataBase {
  const c = commitSection(input.config);
  const name = machineNameFor(input.commitId, input.attempt);
  return {
    commit: input.commitId,
    notebook: posix.basename(input.request.notebook),
    repository: splitUrlCredentials(c.repository.url).url,
    branch: c.repository.branch,
    artifacts: input.request.artifacts,
    notes: input.request.notes,
    accelerator: c.instance?.accelerator ?? null,
    source_commit: input.sourceCommit,
    notebook_path: input.request.notebook,
    backend: input.config.backend,
    instance: name,
    zone: null,
    machine_type: input.config.backend === 'local' ? null : (c.instance?.machine_type ?? null),
    attempt: input.attempt ?? 1,
    // Only commits that have them carry these keys: plain ones keep the original's metadata.
    ...(input.request.parameters ? { parameters: input.request.parameters.values } : {}),
    ...(input.request.group ? { group: input.request.group } : {}),
  };
}

export function planCommit(input: PlanInput): CommitPlan {
  const c = commitSection(input.config);
  const attempt = input.attempt ?? 1;
  const machineName = machineNameFor(input.commitId, attempt);
  const base = metadataBase(input);
  // What job.json, metadata and every record carry is the URL without its credentials; these go
  // to the job as key files (plan.credentials).
  const repo = splitUrlCredentials(c.repository.url);
  const out = splitUrlCredentials(c.output_repository.url);
  const jobConfig: CommitJobJson = {
    version: 1,
    commit_id: input.commitId,
    command: c.command,
    notebook: input.request.notebook,
    repository: {
      url: repo.url,
      branch: c.repository.branch,
      ref: snapshotRef(input.commitId),
      sha: input.sourceCommit,
    },
    output_repository: { url: out.url, branch: c.output_repository.branch },
    artifacts: input.request.artifacts,
    notes: input.request.notes,
    progress_interval: c.progress_interval,
    max_duration: c.max_duration,
    max_cost_usd: c.max_cost_usd ?? null,
    parameters: input.request.parameters ?? null,
    log_max_bytes: c.log_max_bytes,
    artifact_store: c.artifact_store ?? null,
    keep_workdir: input.request.keepMachine,
    ssh_options: input.sshOptions ?? [],
    git_user: { name: 'mymlops', email: 'mymlops@localhost' },
    metadata: { ...base },
    machine: {
      backend: input.config.backend,
      instance: machineName,
      zone: null,
      machine_type: base.machine_type ?? null,
      hourly_usd: null,
    },
  };
  // The original's instance metadata (mymlops-<key>), as strings.
  const metadata: Record<string, string> = {
    commit: base.commit,
    notebook: base.notebook,
    repository: base.repository,
    branch: base.branch,
    artifacts: String(base.artifacts),
    notes: base.notes ?? '',
    accelerator: base.accelerator ?? '',
    source_commit: input.sourceCommit,
    notebook_path: input.request.notebook,
    ...(attempt > 1 ? { attempt: String(attempt) } : {}),
  };
  return {
    kind: 'commit',
    commitId: input.commitId,
    machineName,
    jobScript: input.jobScript,
    jobConfig,
    keys: { repository: c.repository.deploy_key, output: c.output_repository.deploy_key },
    credentials: {
      ...(repo.credentials ? { repository: repo.credentials } : {}),
      ...(out.credentials ? { output: out.credentials } : {}),
    },
    instance: c.instance,
    labels: { mymlops: 'commit' },
    metadata,
    maxDurationSeconds: c.max_duration > 0 ? c.max_duration : null,
    keepMachine: input.request.keepMachine,
    avoidZones: input.avoidZones ?? [],
  };
}

/** The plan as `commit --dry-run` shows it: the URL credentials replaced by placeholders. */
export function previewPlan(plan: CommitPlan): CommitPlan {
  const hidden = (name: string) => ({
    username: `<from the ${name} URL>`,
    password: `<from the ${name} URL>`,
  });
  const credentials: CommitPlan['credentials'] = {};
  if (plan.credentials.repository) credentials.repository = hidden('repository');
  if (plan.credentials.output) credentials.output = hidden('output');
  return { ...plan, credentials };
}
