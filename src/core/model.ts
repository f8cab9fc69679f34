// The shared domain model: what a commit is, what metadata.json holds, what a backend reports.
// Every module (commit, status, dashboard, backends) speaks these types.

export type CommitStatus =
  | 'queued'
  | 'provisioning'
  | 'processing'
  | 'stopped'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'lost'
  /** The backend could not be asked (e.g. Compute Engine answered 503) and nothing else tells. */
  | 'unknown';
export type BackendKind = 'local' | 'gce';

export interface CellError {
  /** Index of the failing cell in the notebook's `cells` array (null when not from a cell). */
  cell: number | null;
  ename: string;
  evalue: string;
}

export interface Progress {
  cells_done: number;
  cells_total: number;
}

/** One failed placement attempt (GCE failover), recorded in metadata. */
export interface ZoneAttempt {
  zone: string;
  code: string;
  message: string;
  /** What the failure blocked: this zone, its region, or everything. */
  scope: 'zone' | 'region' | 'global';
}

export interface CostEstimate {
  /** Spot hourly price of machine type + accelerators, USD. */
  hourly_usd: number;
  amount_usd: number;
  estimate: true;
}

/**
 * `<commit id>/metadata.json` in the output repository: indent 4, sorted keys.
 * The first seven keys are the original tool's, same meaning; the rest are optional so that
 * folders written by the original stay readable.
 */
export interface CommitMetadata {
  commit: string;
  notebook: string;
  repository: string;
  branch: string;
  artifacts: boolean;
  notes: string | null;
  accelerator: string | null;
  source_commit?: string;
  /** Path of the notebook inside the repository (the original kept only the file name). */
  notebook_path?: string;
  status?: CommitStatus;
  started_at?: string | null;
  finished_at?: string | null;
  duration_seconds?: number | null;
  exit_code?: number | null;
  backend?: BackendKind;
  instance?: string | null;
  zone?: string | null;
  machine_type?: string | null;
  attempt?: number;
  progress?: Progress;
  error?: CellError | null;
  /** Human-readable reason for failed / stopped / cancelled (e.g. "notebook was not executed …"). */
  message?: string | null;
  zones_tried?: ZoneAttempt[];
  cost?: CostEstimate | null;
  /** `-p` values injected into the notebook (papermill-style), by name. */
  parameters?: Record<string, unknown>;
  /** The sweep this commit belongs to (its runs share one snapshot). */
  group?: string | null;
  /** A shutdown stopped this attempt mid-run (status stays `processing`): preempted | stopped. */
  interrupted?: string;
  /** Earlier attempts of this commit, oldest first (the newest attempt's fields are the top level). */
  attempts?: AttemptRecord[];
}

/** One earlier attempt of a commit, as metadata.json keeps it. */
export interface AttemptRecord {
  attempt: number;
  status: CommitStatus;
  started_at: string | null;
  finished_at: string | null;
  output_commit?: string;
}

/** Machine state as a backend sees it, before it is merged with the output repository. */
export type MachineState = 'provisioning' | 'running' | 'stopping' | 'stopped' | 'gone';

/** What every machine a backend lists carries, commit machine or dev machine. */
interface MachineBase {
  /** Instance name (GCE) or job name (local). */
  name: string;
  backend: BackendKind;
  zone: string | null;
  state: MachineState;
  /** Why it stopped: 'preempted', 'idle', 'killed', 'max_duration', 'cancelled', … */
  reason: string | null;
  createdAt: string | null;
  machineType: string | null;
  accelerator: string | null;
  /** The original's `mymlops-<key>` instance metadata, keys without the prefix. */
  metadata: Record<string, string>;
}

/**
 * How a commit machine's job ended, as its backend knows it (local: the job's result.json; gce: the
 * instance metadata the startup script sets when it keeps a result it could not publish). It says
 * something only once the machine is down (src/core/machine-state.ts).
 */
export interface JobEnd {
  status: CommitStatus;
  /** False: the final push failed and the machine keeps the result (`mymlops publish ID`). */
  published: boolean;
  /** Why the push failed (published false). */
  publishError: string | null;
}

/** A machine running one commit (GCE VM or local job). */
export interface CommitMachine extends MachineBase {
  kind: 'commit';
  /**
   * The commit it runs. null: a VM labelled as a commit whose metadata, labels and name name no
   * commit (the original tool's VMs carry it in their name, so only a hand-made one).
   */
  commitId: string | null;
  /** The job's own outcome, null while it runs or when the backend cannot tell. */
  ended: JobEnd | null;
}

/** The idle watchdog's last report on a running dev machine. */
export interface IdleReport {
  idle_seconds: number;
  stops_in_seconds: number | null;
  updated_at: string;
  /** busy | idle | acting | stopped (the idle watchdog's state). */
  state?: string;
  /** Why it is busy, e.g. "cpu=37.5% ssh_sessions=1". */
  reasons?: string;
  action?: string;
}

/** A dev machine (`mymlops start`): runs the dev script at every boot until deleted. */
export interface DevMachine extends MachineBase {
  kind: 'start';
  /** The idle watchdog's last report (running machines only). */
  idle: IdleReport | null;
  /** What the dev script last said about its start command (dev-state.ts). */
  dev: DevCommandState | null;
  /** Since when a stopped machine has been stopped (what delete_after counts from). */
  stoppedAt: string | null;
  /** When a stopped machine is deleted by start.idle_shutdown.delete_after. */
  deletesAt: string | null;
  /** How to reach it (host for ssh; null on the local backend, which serves ports directly). */
  sshTarget: string | null;
}

/** A machine (GCE VM or local process group) that a backend knows about; narrow on `kind`. */
export type Machine = CommitMachine | DevMachine;

export interface LogChunk {
  text: string;
  /** Offset to pass as `from` next time. */
  next: number;
  /** True once the machine is gone or the job has ended: no more output will come. */
  done: boolean;
}

/** What a dev machine's start command is doing, as the dev script reports it. */
export interface DevCommandState {
  state: 'running' | 'exited' | 'failed';
  /** Exit code once exited. */
  code: number | null;
  /** Why it failed ("git clone failed"). */
  message: string | null;
  updated_at: string | null;
  /** The machine log's last lines, when the command has exited or failed. */
  log_tail?: string[];
}
