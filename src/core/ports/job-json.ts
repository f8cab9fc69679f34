// The job's JSON contract: `$MYMLOPS_JOB_DIR/job.json`, the one input of the programs that run on
// the machine besides their keys. Made by the planners (src/core/commit/plan.ts, src/core/devvm/plan.ts),
// written verbatim by every backend, read by the job script / dev script.
import type { BackendKind, CommitMetadata, ZoneAttempt } from '../model.js';
import type { RunParameters } from '../sweep/expand.js';

/** The part of metadata.json known when the commit is planned (the job adds the run-time fields). */
export type MetadataBase = Pick<
  CommitMetadata,
  | 'commit'
  | 'notebook'
  | 'repository'
  | 'branch'
  | 'artifacts'
  | 'notes'
  | 'accelerator'
  | 'source_commit'
  | 'notebook_path'
  | 'backend'
  | 'instance'
  | 'zone'
  | 'machine_type'
  | 'attempt'
  | 'parameters'
  | 'group'
> & { zones_tried?: ZoneAttempt[] };

/** job.json of a commit job (the job script, assets/job/ or src/core/job/). */
export interface CommitJobJson {
  version: 1;
  commit_id: string;
  /** Run in the clone as `<command> <notebook>` through bash. */
  command: string;
  /** Notebook path inside the repository. */
  notebook: string;
  /** `ref` is fetched (the snapshot ref) and `sha` checked out. */
  repository: { url: string; branch: string; ref: string; sha: string };
  output_repository: { url: string; branch: string };
  artifacts: boolean;
  notes: string | null;
  /** Seconds between progress pushes; 0 = off. */
  progress_interval: number;
  /** Seconds; 0 = no limit. The command is stopped and the commit fails after it. */
  max_duration: number;
  /** USD; null = none. The job turns it into a time limit at machine.hourly_usd (helper.py). */
  max_cost_usd: number | null;
  /** Injected papermill-style after checkout (helper.py inject); null = the notebook as committed. */
  parameters: RunParameters | null;
  log_max_bytes: number;
  /** Artifact files over min_mb go here (`<url>/<id>/artifacts/…`) with a manifest in the folder; null = none. */
  artifact_store?: ArtifactStoreSetting | null;
  keep_workdir: boolean;
  /** Seconds after a shutdown's SIGTERM within which the partial push ends (default 20). */
  shutdown_grace?: number;
  /** Seconds a failed final push is tried again before the result is kept unpublished (default 300). */
  publish_retry?: number;
  /** Extra ssh arguments for git (e.g. ["-o", "UserKnownHostsFile=/x"]). */
  ssh_options: string[];
  git_user: { name: string; email: string };
  /** metadata.json base. */
  metadata: MetadataBase;
  /** Where it runs, copied into metadata.json; hourly_usd (number|null) gives the cost estimate. */
  machine: {
    backend: BackendKind;
    instance: string;
    zone: string | null;
    machine_type: string | null;
    hourly_usd: number | null;
  };
}

/** An artifact store: url file:///folder (or gs://bucket/prefix), files over min_mb MB go there. */
export interface ArtifactStoreSetting {
  url: string;
  min_mb: number;
}

/** job.json of a dev machine (the dev script, assets/devvm/start.sh). */
export interface StartJobJson {
  version: 1;
  kind: 'start';
  name: string;
  command: string;
  repository: { url: string; branch: string };
  /** Absolute clone path on the machine (GCE: /root/repo); null = $MYMLOPS_JOB_DIR/repo. */
  repo_dir: string | null;
  ssh_options: string[];
  /** GCE: also publish the start command's state to the guest attribute mymlops/dev. */
  guest_attributes: boolean;
  /** Watchdog env (watchdogEnv); null = no watchdog. */
  watchdog: Record<string, string> | null;
}
