// The commits table: filter, sort and a virtualised body (only the rows in view are in the DOM),
// so 10,000 commits render as fast as 50.
import type { ApiCommit } from '../server/api.js';
import { own } from '../../util/terminal-text.js';
import { h } from './dom.js';
import { ago, duration, localTime, metric, money, repoName } from './format.js';

export const ROW_HEIGHT = 30;
const OVERSCAN = 10;
const ACTIVE = new Set(['provisioning', 'processing']);
const STATUS_ORDER = ['processing', 'provisioning', 'stopped', 'lost', 'failed', 'cancelled', 'succeeded'];

interface Column {
  key: string;
  label: string;
  width: string;
  sort: (c: ApiCommit, now: number) => string | number | null;
  cell: (c: ApiCommit, now: number, open: (c: ApiCommit) => void) => Node | string;
}

function elapsed(c: ApiCommit, now: number): number | null {
  if (c.duration_seconds !== null) return c.duration_seconds;
  if (ACTIVE.has(c.status) && c.started_at) return (now - Date.parse(c.started_at)) / 1000;
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

export function columns(metricNames: string[]): Column[] {
  const base: Column[] = [
    {
      key: 'status',
      label: 'Status',
      width: '104px',
      sort: (c) => STATUS_ORDER.indexOf(c.status),
      cell: (c) => h('span', { class: `badge s-${c.status}`, title: c.reason ?? c.status }, c.status),
    },
    {
      key: 'time',
      label: 'Time',
      width: '152px',
      sort: (c) => c.timestamp + c.id,
      cell: (c) => h('span', { title: c.id }, localTime(c.timestamp)),
    },
    {
      key: 'repo',
      label: 'Repository',
      width: 'minmax(130px,1fr)',
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
      width: 'minmax(140px,1.2fr)',
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
      width: 'minmax(200px,2fr)',
      sort: (c) => c.notes ?? '',
      cell: (c) =>
        h(
          'span',
          { class: 'notes', title: [c.notes, c.reason].filter(Boolean).join(' — ') },
          c.notes ?? '',
          c.reason && c.status !== 'succeeded' ? h('span', { class: 'reason' }, ` ${c.reason}`) : null,
        ),
    },
    {
      key: 'artifacts',
      label: 'Art.',
      width: '52px',
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
      label: 'Accel.',
      width: '96px',
      sort: (c) => c.accelerator ?? '',
      cell: (c) => c.accelerator ?? '',
    },
    {
      key: 'progress',
      label: 'Progress',
      width: '96px',
      sort: (c) =>
        c.progress && c.progress.cells_total ? c.progress.cells_done / c.progress.cells_total : -1,
      cell: progressCell,
    },
    {
      key: 'finished',
      label: 'Finished',
      width: '112px',
      sort: (c) => c.finished_at ?? '',
      cell: (c, now) => h('span', { title: localTime(c.finished_at) }, ago(c.finished_at, now)),
    },
    {
      key: 'duration',
      label: 'Duration',
      width: '88px',
      sort: (c, now) => elapsed(c, now),
      cell: (c, now) => duration(elapsed(c, now)),
    },
    {
      key: 'cost',
      label: 'Cost',
      width: '64px',
      sort: (c) => c.cost_usd,
      cell: (c) => money(c.cost_usd, c.cost_estimate),
    },
  ];
  for (const m of metricNames)
    base.push({
      key: `m:${m}`,
      label: m,
      width: '80px',
      sort: (c) => own(c.metrics, m) ?? null,
      cell: (c) => metric(own(c.metrics, m)),
    });
  return base;
}

export function matches(c: ApiCommit, terms: string[]): boolean {
  if (terms.length === 0) return true;
  const hay = [
    c.id,
    c.status,
    c.notebook,
    c.notes,
    c.repository,
    c.branch,
    c.accelerator,
    c.reason,
    localTime(c.timestamp),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return terms.every((t) => hay.includes(t));
}

export interface SortState {
  key: string;
  dir: 1 | -1;
}

export class CommitsTable {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  private cols: Column[] = columns([]);
  private all: ApiCommit[] = [];
  private rows: ApiCommit[] = [];
  private terms: string[] = [];
  private frame = 0;

  constructor(
    private sort: SortState,
    private readonly open: (c: ApiCommit) => void,
    private readonly onSort: (s: SortState) => void,
  ) {
    this.head = h('div', { class: 'thead', role: 'row' });
    this.body = h('div', { class: 'rows' });
    this.spacer = h('div', { class: 'spacer' }, this.body);
    this.empty = h('p', { class: 'muted empty' });
    this.el = h(
      'div',
      { class: 'table-scroll', role: 'table', 'aria-label': 'commits' },
      this.head,
      this.spacer,
      this.empty,
    );
    this.el.addEventListener('scroll', () => this.schedule(), { passive: true });
    addEventListener('resize', () => this.schedule());
  }

  setData(commits: ApiCommit[], metricNames: string[]): void {
    this.all = commits;
    const cols = columns(metricNames);
    if (
      cols.map((c) => c.key).join() !== this.cols.map((c) => c.key).join() ||
      this.head.childElementCount === 0
    ) {
      this.cols = cols;
      this.renderHead();
    }
    this.refilter();
  }

  setFilter(text: string): void {
    this.terms = text.toLowerCase().split(/\s+/).filter(Boolean);
    this.refilter();
  }

  get visibleCount(): number {
    return this.rows.length;
  }

  private renderHead(): void {
    const tpl = this.cols.map((c) => c.width).join(' ');
    this.el.style.setProperty('--cols', tpl);
    this.el.style.setProperty('--row-h', `${ROW_HEIGHT}px`);
    // Every row is its own grid: fixed minimums keep all of them aligned with the header.
    const minW = this.cols.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.width)?.[1] ?? 80), 0);
    this.el.style.setProperty('--min-w', `${minW}px`);
    this.head.replaceChildren(
      ...this.cols.map((c) =>
        h(
          'button',
          {
            type: 'button',
            class: `th${this.sort.key === c.key ? (this.sort.dir === 1 ? ' asc' : ' desc') : ''}`,
            'data-key': c.key,
            role: 'columnheader',
            'aria-sort':
              this.sort.key === c.key ? (this.sort.dir === 1 ? 'ascending' : 'descending') : 'none',
            onclick: () => {
              this.sort = {
                key: c.key,
                dir:
                  this.sort.key === c.key
                    ? (-this.sort.dir as 1 | -1)
                    : c.key === 'time' || c.key.startsWith('m:')
                      ? -1
                      : 1,
              };
              this.onSort(this.sort);
              this.renderHead();
              this.refilter();
            },
          },
          c.label,
        ),
      ),
    );
  }

  private refilter(): void {
    const now = Date.now();
    const col = this.cols.find((c) => c.key === this.sort.key) ?? this.cols[1]!;
    const dir = this.sort.dir;
    const keyed = this.all.filter((c) => matches(c, this.terms)).map((c) => ({ c, k: col.sort(c, now) }));
    keyed.sort((a, b) => {
      // Empty values sort last whatever the direction.
      if (a.k === null || a.k === '') return b.k === null || b.k === '' ? 0 : 1;
      if (b.k === null || b.k === '') return -1;
      return (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * dir || (a.c.id < b.c.id ? 1 : -1);
    });
    this.rows = keyed.map((x) => x.c);
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.empty.textContent =
      this.rows.length === 0
        ? this.all.length === 0
          ? 'No commits yet. Run `mymlops commit path/to/notebook.ipynb -n "notes"` and it shows up here.'
          : 'No commit matches the filter.'
        : '';
    this.render();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Renders only the rows in view (plus a few either side). */
  render(): void {
    const now = Date.now();
    const top = Math.max(0, this.el.scrollTop - this.head.offsetHeight);
    const height = this.el.clientHeight || 800;
    const start = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(this.rows.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    this.body.style.transform = `translateY(${start * ROW_HEIGHT}px)`;
    const frag = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      const c = this.rows[i]!;
      const row = h('div', { class: `tr s-row-${c.status}`, role: 'row', 'data-id': c.id });
      for (const col of this.cols)
        row.appendChild(
          h('div', { class: `td c-${col.key.replace(':', '-')}`, role: 'cell' }, col.cell(c, now, this.open)),
        );
      frag.appendChild(row);
    }
    this.body.replaceChildren(frag);
  }
}
