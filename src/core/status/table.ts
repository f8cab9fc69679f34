// The terminal view of `mymlops status`: one line per commit, newest first, with the status
// coloured and times relative ("finished 12 min ago, took 1h04m").
import type { CommitStatus } from '../model.js';
import { escapeControl, own } from '../../util/terminal-text.js';
import { formatAgo, formatDuration } from './format.js';
import { type CommitRow, isKeptUnpublished } from './types.js';

export interface Painter {
  green(s: string): string;
  red(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  yellow(s: string): string;
  magenta(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const PAINT: Record<CommitStatus, keyof Painter> = {
  queued: 'dim',
  provisioning: 'cyan',
  processing: 'blue',
  stopped: 'yellow',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'dim',
  lost: 'magenta',
  unknown: 'dim',
};

/** "finished 12 min ago, took 1h04m" / "running 5m00s, 3/10 cells" / "started 2 h ago". */
export function whenText(r: CommitRow, now: Date): string {
  const started = r.started_at ?? r.timestamp;
  if (r.status === 'processing' || r.status === 'provisioning') {
    const elapsed = (now.getTime() - Date.parse(started)) / 1000;
    const p = r.progress ? `, ${r.progress.cells_done}/${r.progress.cells_total} cells` : '';
    return `${r.status === 'provisioning' ? 'starting for' : 'running'} ${formatDuration(Math.max(0, elapsed))}${p}`;
  }
  const took = r.duration_seconds !== null ? `, took ${formatDuration(r.duration_seconds)}` : '';
  if (r.finished_at) return `finished ${formatAgo(r.finished_at, now)}${took}`;
  // Folders of the original tool carry no times: their id is when the commit was made.
  return `${r.started_at && r.started_at !== r.timestamp ? 'started' : 'committed'} ${formatAgo(started, now)}${took}`;
}

function metricsText(r: CommitRow): string {
  return Object.entries(r.metrics)
    .slice(0, 3)
    .map(([k, v]) => `${escapeControl(k)}=${Number.isInteger(v) ? v : Number(v.toPrecision(4))}`)
    .join(' ');
}

/** A parameter value as a cell: numbers like metrics, strings bare, the rest as JSON; escaped. */
export function paramText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return String(Number.isInteger(v) ? v : Number(v.toPrecision(4)));
  if (typeof v === 'string') return escapeControl(v.replace(/[ \t\r\n]+/g, ' '));
  return escapeControl(JSON.stringify(v) ?? '');
}

/** Parameter names present among the rows, in first-seen order: one column each. */
export function parameterNames(rows: CommitRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.parameters ?? {})) names.add(k);
  return [...names];
}

/** Printable width of a string (ANSI codes excluded). */
function visible(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

function clip(s: string, max: number): string {
  if (max <= 1) return '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function renderTable(
  rows: CommitRow[],
  opts: { now: Date; paint: Painter; width: number | null },
): string {
  const { paint, now } = opts;
  if (rows.length === 0)
    return `${paint.dim('no commits yet — run `mymlops commit path/to/notebook.ipynb -n "notes"`')}\n`;
  const params = parameterNames(rows);
  const cells = rows.map((r) => {
    // Everything but the status comes from the output repository or a notebook: escaped.
    const reason = r.reason && r.status !== 'succeeded' ? ` (${r.reason})` : '';
    return [
      r.status,
      escapeControl(r.id),
      escapeControl(r.notebook ?? '?'),
      whenText(r, now),
      metricsText(r),
      ...params.map((p) => paramText(own(r.parameters ?? {}, p))),
      escapeControl((r.notes ?? '').replace(/[ \t\r\n]+/g, ' ') + reason),
    ];
  });
  const head = ['STATUS', 'ID', 'NOTEBOOK', 'WHEN', 'METRICS', ...params.map(escapeControl), 'NOTES'];
  const showMetrics = cells.some((c) => c[4] !== '');
  const cols = head.map((_, i) => i).filter((i) => i !== 4 || showMetrics);
  const widths = cols.map((i) => Math.max(head[i]!.length, ...cells.map((c) => c[i]!.length)));
  const lines: string[] = [];
  const fmt = (vals: string[], painter?: (i: number, s: string) => string) => {
    const parts = cols.map((i, k) => {
      const last = k === cols.length - 1;
      const v = vals[i]!;
      const padded = last ? v : v.padEnd(widths[k]!);
      return painter ? painter(i, padded) : padded;
    });
    let line = parts.join('  ');
    if (opts.width && visible(line) > opts.width) {
      // Only the last column (notes) is shortened to fit the terminal.
      const over = visible(line) - opts.width;
      const lastVal = vals[cols[cols.length - 1]!]!;
      parts[parts.length - 1] = clip(lastVal, lastVal.length - over);
      line = parts.join('  ');
    }
    return line.trimEnd();
  };
  lines.push(paint.bold(fmt(head)));
  rows.forEach((r, n) => {
    lines.push(fmt(cells[n]!, (i, s) => (i === 0 ? paint[PAINT[r.status]](s) : i === 1 ? paint.dim(s) : s)));
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Hints under the table when commits need the user (one line each): a result kept unpublished is
 * published with `mymlops publish ID`; stopped or lost ones can be run again.
 */
export function attentionHint(rows: CommitRow[]): string | null {
  const lines: string[] = [];
  const kept = rows.filter(isKeptUnpublished);
  if (kept.length > 0) {
    const first = kept[0]!;
    lines.push(
      kept.length === 1
        ? `${first.id} is not published (its result is kept): fix the cause, then \`mymlops publish ${first.id}\``
        : `${kept.length} results are not published (kept): fix the cause, then \`mymlops publish ID\` (newest: ${first.id})`,
    );
  }
  const again = rows.filter((r) => r.status === 'stopped' || r.status === 'lost');
  if (again.length > 0) {
    const first = again[0]!;
    lines.push(
      again.length === 1
        ? `${first.id} ${first.status} before finishing: \`mymlops retry ${first.id}\` runs the same snapshot again`
        : `${again.length} commits stopped or lost before finishing: \`mymlops retry ID\` runs one again (newest: ${first.id})`,
    );
  }
  return lines.length ? lines.join('\n') : null;
}
