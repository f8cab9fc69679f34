// The commits table's columns: what each shows and sorts by, how wide it is, and whether it is
// shown by default on a wide screen and on a narrow one (≤ 900 px, half a screen next to Jupyter:
// status, notebook, notes with the error, progress-or-duration and the first metric).
import { isActiveStatus } from '../../core/status/types.js';
import type { ApiCommit } from '../server/api.js';
import { h } from './dom.js';
import { ago, duration, localTime, metric, money, paramText, paramValue, repoName } from './format.js';

export const STATUS_ORDER = [
  'processing',
  'provisioning',
  'queued',
  'stopped',
  'lost',
  'unknown',
  'failed',
  'cancelled',
  'succeeded',
];

export interface Column {
  key: string;
  label: string;
  /** The cells' class, `c-<cls>` (names from the data are reduced to safe characters). */
  cls: string;
  width: string;
  /** Shown unless the user hid it: on a wide screen, on a narrow one. */
  wide: boolean;
  narrow: boolean;
  sort: (c: ApiCommit, now: number) => string | number | null;
  cell: (c: ApiCommit, now: number, open: (c: ApiCommit) => void) => Node | string;
}

function elapsed(c: ApiCommit, now: number): number | null {
  if (c.duration_seconds !== null) return c.duration_seconds;
  if (isActiveStatus(c.status) && c.started_at) return (now - Date.parse(c.started_at)) / 1000;
  return null;
}

function progressCell(c: ApiCommit): Node | string {
  const p = c.progress;
  if (!p || p.cells_total <= 0)
    return c.status === 'provisioning' ? h('span', { class: 'muted' }, 'starting…') : '';
  const pct = Math.min(100, Math.round((100 * p.cells_done) / p.cells_total));
  return h(
    'div',
    {
      class: `bar s-${c.status}`,
      title: `${p.cells_done} of ${p.cells_total} cells`,
      role: 'progressbar',
      'aria-valuenow': pct,
    },
    h('div', { class: 'fill', style: `width:${pct}%` }),
    h('span', {}, `${p.cells_done}/${p.cells_total}`),
  );
}

/** What went wrong, for a row that did not succeed: the notebook's first error beats the exit code. */
export function problem(c: ApiCommit): string | null {
  if (c.status === 'succeeded') return null;
  if (c.status === 'failed' && c.error) return `${c.error.ename}: ${c.error.evalue}`;
  return c.reason;
}

function notesCell(c: ApiCommit): Node {
  const why = problem(c);
  const failed = c.status === 'failed' && why !== null;
  return h(
    'span',
    {
      class: 'notes',
      title: [c.notes, why, c.attempt && c.attempt > 1 ? `attempt ${c.attempt}` : null]
        .filter(Boolean)
        .join(' — '),
    },
    c.attempt && c.attempt > 1 ? h('span', { class: 'attempt' }, `attempt ${c.attempt}`) : null,
    // A failure comes first: at half a screen the notes' end is cut, the error must not be.
    failed ? h('span', { class: 'reason failed' }, `${why} `) : null,
    c.notes ?? '',
    why && !failed ? h('span', { class: 'reason' }, ` ${why}`) : null,
  );
}

const metricValue = (c: ApiCommit, m: string): number | undefined =>
  Object.hasOwn(c.metrics, m) ? c.metrics[m] : undefined;

/** A parameter's sort key: numbers by value, anything else as shown. */
function paramSort(v: unknown): string | number | null {
  if (v === undefined) return null;
  return typeof v === 'number' ? v : paramText(v);
}

const safeClass = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export function columns(metricNames: readonly string[], paramNames: readonly string[] = []): Column[] {
  const base: Omit<Column, 'cls'>[] = [
    {
      key: 'status',
      label: 'Status',
      width: '100px',
      wide: true,
      narrow: true,
      sort: (c) => STATUS_ORDER.indexOf(c.status),
      cell: (c) => h('span', { class: `badge s-${c.status}`, title: problem(c) ?? c.status }, c.status),
    },
    {
      key: 'time',
      label: 'Time',
      width: '140px',
      wide: true,
      narrow: false,
      sort: (c) => c.timestamp + c.id,
      cell: (c) => h('span', { title: c.id }, localTime(c.timestamp)),
    },
    {
      key: 'repo',
      label: 'Repository',
      width: 'minmax(80px,1fr)',
      wide: true,
      narrow: false,
      sort: (c) => `${repoName(c.repository)}/${c.branch ?? ''}`,
      cell: (c) =>
        h(
          'span',
          { title: c.repository ?? '' },
          c.repository ? `${repoName(c.repository)}/${c.branch ?? ''}` : '',
        ),
    },
    {
      key: 'notebook',
      label: 'Notebook',
      width: 'minmax(100px,1.2fr)',
      wide: true,
      narrow: true,
      sort: (c) => c.notebook ?? '',
      cell: (c, _n, open) =>
        h(
          'button',
          {
            type: 'button',
            class: 'link nb-open',
            title: `view ${c.output_path ?? c.notebook ?? ''}`,
            onclick: () => open(c),
          },
          c.notebook ?? '?',
        ),
    },
    {
      key: 'notes',
      label: 'Notes',
      width: 'minmax(120px,2fr)',
      wide: true,
      narrow: true,
      sort: (c) => c.notes ?? '',
      cell: notesCell,
    },
    {
      key: 'artifacts',
      label: 'Art.',
      width: '44px',
      wide: true,
      narrow: false,
      sort: (c) => c.artifact_files.length || (c.artifacts ? 0.5 : 0),
      cell: (c) =>
        c.artifacts
          ? h(
              'span',
              { title: c.artifact_files.join('\n') || 'artifacts' },
              c.artifact_files.length ? String(c.artifact_files.length) : '✓',
            )
          : '',
    },
    {
      key: 'accelerator',
      label: 'Accelerator',
      width: '118px',
      wide: true,
      narrow: false,
      sort: (c) => c.accelerator ?? '',
      cell: (c) => h('span', { title: c.accelerator ?? '' }, c.accelerator ?? ''),
    },
    {
      key: 'progress',
      label: 'Progress',
      width: '84px',
      wide: true,
      narrow: false,
      sort: (c) => (c.progress?.cells_total ? c.progress.cells_done / c.progress.cells_total : -1),
      cell: progressCell,
    },
    {
      // Half a screen has room for one of the two: the bar while it runs, then how long it took.
      key: 'run',
      label: 'Progress',
      width: '84px',
      wide: false,
      narrow: true,
      sort: (c, now) => (isActiveStatus(c.status) ? -1 : elapsed(c, now)),
      cell: (c, now) => (isActiveStatus(c.status) ? progressCell(c) : duration(elapsed(c, now))),
    },
    {
      key: 'finished',
      label: 'Finished',
      width: '100px',
      wide: true,
      narrow: false,
      sort: (c) => c.finished_at ?? '',
      cell: (c, now) => h('span', { title: localTime(c.finished_at) }, ago(c.finished_at, now)),
    },
    {
      key: 'duration',
      label: 'Duration',
      width: '80px',
      wide: true,
      narrow: false,
      sort: (c, now) => elapsed(c, now),
      cell: (c, now) => duration(elapsed(c, now)),
    },
    {
      key: 'cost',
      label: 'Cost',
      width: '68px',
      wide: true,
      narrow: false,
      sort: (c) => c.cost_usd,
      cell: (c) => money(c.cost_usd, c.cost_estimate),
    },
  ];
  const cols: Column[] = base.map((c) => ({ ...c, cls: c.key }));
  // Parameters next to the notes they used to be written in; hidden at half a screen (the picker).
  for (const p of paramNames)
    cols.push({
      key: `p:${p}`,
      label: p,
      cls: 'param',
      width: 'minmax(60px,0.6fr)',
      wide: true,
      narrow: false,
      sort: (c) => paramSort(paramValue(c.parameters, p)),
      cell: (c) => {
        const text = paramText(paramValue(c.parameters, p));
        return h('span', { title: `${p}=${text}` }, text);
      },
    });
  for (const [i, m] of metricNames.entries())
    cols.push({
      key: `m:${m}`,
      label: m,
      cls: `m-${safeClass(m)}`,
      width: '80px',
      wide: true,
      narrow: i === 0,
      sort: (c) => metricValue(c, m) ?? null,
      cell: (c) => metric(metricValue(c, m)),
    });
  return cols;
}
