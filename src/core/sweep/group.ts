// A sweep group's queue, `<home>/groups/<group>.json` (stored by src/adapters/store/groups.ts):
// every run's plan and launch record, built when the sweep was committed, and where each run is.
import type { CommitPlan } from '../ports/backend.js';
import type { LaunchRecord } from '../ports/launch-record.js';

export type RunState = 'queued' | 'launching' | 'launched' | 'dropped' | 'failed';

export interface GroupRun {
  commit: string;
  state: RunState;
  plan: CommitPlan;
  record: LaunchRecord;
  error?: string;
  /** The backend listed its machine once: no longer listed later means it ended (a GCE VM deletes itself). */
  seen?: boolean;
}

export interface GroupFile {
  group: string;
  /** The mymlops.yml the sweep was committed with: the scheduler loads the same config. */
  config_file: string;
  max_parallel: number;
  cancelled: boolean;
  created_at: string;
  runs: GroupRun[];
}
