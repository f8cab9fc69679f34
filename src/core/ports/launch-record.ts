// `<home>/jobs/<id>/launch.json`: written by every launch on any backend (commit, retry), read by
// retry, logs/cancel and status. The store is src/adapters/store/jobs.ts.
import type { BackendKind } from '../model.js';

export interface LaunchRecord {
  commit: string;
  backend: BackendKind;
  machine: string;
  zone: string | null;
  /** Notebook path inside the repository. */
  notebook: string;
  notes: string | null;
  repository: { url: string; branch: string };
  output_repository: { url: string; branch: string };
  source_commit: string;
  attempt: number;
  created_at: string;
  artifacts?: boolean;
  keep_machine?: boolean;
}
