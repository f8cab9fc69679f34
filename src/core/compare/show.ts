// `mymlops show ID`: one commit in full — status, times, machine, metadata, metrics, error,
// attempts and where to look next — as the value `show --json` prints and as terminal text.
import { escapeControl } from '../../util/terminal-text.js';
import type { AttemptRecord, CellError, CommitMetadata, CommitStatus, Progress } from '../model.js';
import { formatDuration } from '../status/format.js';
import type { Painter } from '../status/table.js';
import type { CommitRow } from '../status/types.js';
import { formatNumber } from './metrics.js';

export interface ShowData {
  id: string;
  status: CommitStatus;
  reason: string | null;
  message: string | null;
  timestamp: string;
  started_at: string | null;
  finished_at: string | null;
  duration_seconds: number | null;
  notebook: string | null;
  notebook_path: string | null;
  notes: string | null;
  repository: string | null;
  branch: string | null;
  snapshot: string | null;
  backend: string | null;
  machine: CommitRow['machine'];
  accelerator: string | null;
  cost_usd: number | null;
  cost_estimate: boolean;
  progress: Progress | null;
  metrics: Record<string, number>;
  error: CellError | null;
  attempt: number | null;
  attempts: AttemptRecord[];
  artifacts: string[];
  links: { notebook_web: string | null; output_path: string | null; log: string };
  /** metadata.json as the output repository has it (null before the first push). */
  metadata: Partial<CommitMetadata> | null;
}

export function showData(
  row: CommitRow,
  metadata: Partial<CommitMetadata> | null,
  webUrl: string | null,
): ShowData {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    message: typeof metadata?.message === 'string' ? metadata.message : null,
    timestamp: row.timestamp,
    started_at: row.started_at,
    finished_at: row.finished_at,
    duration_seconds: row.duration_seconds,
    notebook: row.notebook,
    notebook_path: typeof metadata?.notebook_path === 'string' ? metadata.notebook_path : null,
    notes: row.notes,
    repository: row.repository,
    branch: row.branch,
    snapshot: typeof metadata?.source_commit === 'string' ? metadata.source_commit : null,
    backend: row.backend,
    machine: row.machine,
    accelerator: row.accelerator,
    cost_usd: row.cost_usd,
    cost_estimate: row.cost_estimate,
    progress: row.progress,
    metrics: row.metrics,
    error: row.error,
    attempt: row.attempt,
    attempts: row.attempts,
    artifacts: row.artifact_files,
    links: { notebook_web: webUrl, output_path: row.output_path, log: `mymlops logs ${row.id}` },
    metadata,
  };
}

const e = (v: unknown) => escapeControl(String(v));

export function renderShow(d: ShowData, paint: Painter): string {
  const lines: string[] = [];
  const field = (label: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return;
    lines.push(`${paint.dim(`${label}:`.padEnd(14))}${e(value)}`);
  };
  const statusPaint =
    d.status === 'succeeded' ? paint.green : d.status === 'failed' ? paint.red : paint.yellow;
  lines.push(
    `${paint.bold(d.id)}  ${statusPaint(d.status)}${d.reason ? paint.dim(` (${e(d.reason)})`) : ''}`,
  );
  field('notes', d.notes);
  field('notebook', d.notebook_path ?? d.notebook);
  field('repository', d.repository && `${d.repository}${d.branch ? ` (${d.branch})` : ''}`);
  field('snapshot', d.snapshot);
  field('committed', d.timestamp);
  field('started', d.started_at);
  field('finished', d.finished_at);
  field('duration', d.duration_seconds === null ? null : formatDuration(d.duration_seconds));
  field(
    'progress',
    d.progress && d.status !== 'succeeded'
      ? `${d.progress.cells_done}/${d.progress.cells_total} cells`
      : null,
  );
  field(
    'machine',
    d.machine &&
      [d.backend, d.machine.name, d.machine.machine_type, d.machine.zone, d.machine.state]
        .filter(Boolean)
        .join(' · '),
  );
  field('accelerator', d.accelerator);
  field('cost', d.cost_usd === null ? null : `${d.cost_estimate ? '~' : ''}$${d.cost_usd.toFixed(2)}`);
  if (d.error)
    field(
      'error',
      `${d.error.ename}: ${d.error.evalue}${d.error.cell !== null ? ` (cell ${d.error.cell})` : ''}`,
    );
  if (d.message && d.message !== d.reason) field('message', d.message);
  const names = Object.keys(d.metrics);
  if (names.length) {
    lines.push(paint.dim('metrics:'));
    const w = Math.max(...names.map((n) => e(n).length));
    for (const n of names) lines.push(`  ${e(n).padEnd(w)}  ${formatNumber(d.metrics[n]!)}`);
  }
  if (d.attempt !== null && (d.attempt > 1 || d.attempts.length)) {
    lines.push(paint.dim('attempts:'));
    for (const a of d.attempts)
      lines.push(`  ${a.attempt}  ${e(a.status)}  ${e(a.started_at ?? '?')} → ${e(a.finished_at ?? '?')}`);
    lines.push(`  ${d.attempt}  ${e(d.status)}  (this attempt)`);
  }
  if (d.artifacts.length) field('artifacts', d.artifacts.join(', '));
  field('output', d.links.output_path);
  field('web', d.links.notebook_web);
  field('log', d.links.log);
  return `${lines.join('\n')}\n`;
}
