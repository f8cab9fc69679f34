// The status model's types: what the output repository index yields per folder, what a launch
// record says, and the merged row every view (terminal, JSON, page) shows.
import type {
  AttemptRecord,
  BackendKind,
  CellError,
  CommitMetadata,
  CommitStatus,
  DevCommandState,
  IdleReport,
  MachineState,
  Progress,
} from '../model.js';

/** One `<id>/` folder of the output repository, as the index read it (cached by git tree id). */
export interface OutputRecord {
  id: string;
  /** Git tree id of the folder: the cache key. */
  tree: string;
  /** File name of the folder's notebook (the one `*.ipynb`), null when there is none. */
  notebook: string | null;
  /** Parsed metadata.json; null when missing or unreadable. */
  metadata: Partial<CommitMetadata> | null;
  /** Original-format folders only (no `status` in metadata): whether any cell has an error output. */
  hasErrorOutput: boolean;
  /** The first error output found in the notebook (original format, failed ones only). */
  firstError: CellError | null;
  /** Files under artifacts/ (relative), at most a few dozen. */
  artifacts: string[];
  /** artifacts/metrics.json when it is a flat object of numbers. */
  metrics: Record<string, number>;
  hasLog: boolean;
  /** Why parts of the folder could not be read (shown, never fatal). */
  problems: string[];
}

/** A folder's record before anything in it is read: what both the branch and a progress ref start from. */
export function blankRecord(id: string, tree: string): OutputRecord {
  return {
    id,
    tree,
    notebook: null,
    metadata: null,
    hasErrorOutput: false,
    firstError: null,
    artifacts: [],
    metrics: {},
    hasLog: false,
    problems: [],
  };
}

/** One commit as every view shows it. Field names are the stable `status --json` contract. */
export interface CommitRow {
  id: string;
  status: CommitStatus;
  /** Why it is stopped / failed / cancelled / lost, in a few words. */
  reason: string | null;
  /** UTC time the commit was made (from its id), ISO 8601. */
  timestamp: string;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  notebook: string | null;
  /** Path of the notebook inside the output repository (`<id>/<file>`), null until it is pushed. */
  output_path: string | null;
  repository: string | null;
  branch: string | null;
  notes: string | null;
  artifacts: boolean;
  artifact_files: string[];
  accelerator: string | null;
  progress: Progress | null;
  error: CellError | null;
  cost_usd: number | null;
  cost_estimate: boolean;
  metrics: Record<string, number>;
  /** `-p` values the notebook ran with (metadata.json, else the launch record). */
  parameters: Record<string, unknown>;
  /** The sweep the commit is a run of. */
  group: string | null;
  backend: BackendKind | null;
  machine: { name: string; state: MachineState; zone: string | null; machine_type: string | null } | null;
  attempt: number | null;
  /** Earlier attempts (metadata.json `attempts`), oldest first: history, never the row's status. */
  attempts: AttemptRecord[];
  /** `original` = folder written by the Python tool (no status key); `mymlops` = this tool. */
  format: 'original' | 'mymlops' | null;
  has_log: boolean;
}

/** A started dev VM as the dashboard's dev-VM section shows it (decorateDevVms fills ports/ssh/logs). */
export interface DevVmRow {
  name: string;
  backend: BackendKind;
  zone: string | null;
  state: MachineState;
  reason: string | null;
  machine_type: string | null;
  accelerator: string | null;
  created_at: string | null;
  idle: IdleReport | null;
  /** "idle 23 min, stops in 37 min" / "busy (cpu=40.0%)" / "stopped (idle)". */
  idle_text?: string | null;
  /** "running", "stopped (idle)", … */
  state_label?: string;
  /** The start command's state (exited with its code, failed) and the log's last lines. */
  dev?: DevCommandState | null;
  /** start.idle_shutdown.delete_after: when this stopped machine is deleted. */
  deletes_at?: string | null;
  /** Tunnelled / served ports: open `url` in the browser. */
  ports: {
    remote: number;
    local: number | null;
    url: string | null;
    state: 'up' | 'connecting' | 'reconnecting' | 'down';
    /** Why a tunnel is down (ssh's last error line). */
    error?: string | null;
  }[];
  /** Copyable shell commands. */
  ssh_command: string | null;
  logs_command: string | null;
}

export const ACTIVE_STATUSES: readonly CommitStatus[] = ['provisioning', 'processing'];

/** A commit still starting or running (the page compares statuses as plain strings). */
export function isActiveStatus(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** How the reason of a failed commit whose result was kept (its push failed) begins. */
export const NOT_PUBLISHED = 'not published:';

/** A failed row whose result was kept because its push failed: `mymlops publish ID` pushes it. */
export function isKeptUnpublished(r: CommitRow): boolean {
  return r.status === 'failed' && (r.reason ?? '').startsWith(NOT_PUBLISHED);
}
