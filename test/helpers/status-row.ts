// One commit row of the status model with every field at its empty value, for pure tests that care
// about a few fields: adding a field to CommitRow means changing this one place.
import type { CommitRow } from '../../src/core/status/types.js';

export function commitRow(
  fields: Partial<CommitRow> & Pick<CommitRow, 'id' | 'status' | 'timestamp'>,
): CommitRow {
  return {
    reason: null,
    started_at: null,
    finished_at: null,
    duration_seconds: null,
    notebook: null,
    output_path: null,
    repository: null,
    branch: null,
    notes: null,
    artifacts: false,
    artifact_files: [],
    accelerator: null,
    progress: null,
    error: null,
    cost_usd: null,
    cost_estimate: false,
    metrics: {},
    parameters: {},
    group: null,
    backend: null,
    machine: null,
    attempt: null,
    attempts: [],
    format: null,
    has_log: false,
    ...fields,
  };
}
