// The commits table: filter, sort and a virtualised body (only the rows in view are in the DOM),
// so 10,000 commits render as fast as 50. A sweep's runs sit under one collapsible header row.
import type { ApiCommit } from '../server/api.js';
import { type Column, columns } from './columns.js';
import { h } from './dom.js';
import { matches } from './filter.js';
import { groupRow } from './group-row.js';
import { bestRun, flatten, GroupHead, GroupState, groupRuns, type Item } from './groups.js';

export const ROW_HEIGHT = 30;
const OVERSCAN = 10;

export interface SortState {
  key: string;
  dir: 1 | -1;
}

/** What the table is given: its first sort and what it tells (or asks) the page. */
export interface TableOptions {
  sort: SortState;
  /** A commit's notebook was asked for. */
  open(c: ApiCommit): void;
  /** The user changed the sort (to keep it for the next visit). */
  sorted(s: SortState): void;
  /** Whether a column is shown now; default all. */
  shown?(c: Column): boolean;
  /** The ticked commits changed. */
  selected?(ids: readonly string[]): void;
  /** "Compare group" was pressed on a sweep's header row. */
  compareGroup?(group: string, runs: ApiCommit[]): void;
}

export class CommitsTable {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly empty: HTMLElement;
  /** Every column, and the ones shown (the picker's choice for this width). */
  private allCols: Column[] = columns([]);
  private cols: Column[] = this.allCols;
  private all: ApiCommit[] = [];
  private rows: ApiCommit[] = [];
  /** What the body shows: `rows` with each group's header, its runs only when expanded. */
  private items: readonly Item[] = [];
  private metricNames: readonly string[] = [];
  private runs = new Map<string, ApiCommit[]>();
  private readonly groups = new GroupState();
  private terms: string[] = [];
  private frame = 0;
  /** Ids ticked for comparing (kept across polls and filters). */
  private readonly selected = new Set<string>();

  private sort: SortState;
  private readonly on: Required<Omit<TableOptions, 'sort'>>;

  constructor(o: TableOptions) {
    this.sort = o.sort;
    this.on = {
      open: o.open,
      sorted: o.sorted,
      shown: o.shown ?? (() => true),
      selected: o.selected ?? (() => {}),
      compareGroup: o.compareGroup ?? (() => {}),
    };
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

  setData(commits: ApiCommit[], metricNames: string[], paramNames: string[] = []): void {
    this.all = commits;
    this.metricNames = metricNames;
    this.runs = groupRuns(commits);
    const cols = columns(metricNames, paramNames);
    if (
      cols.map((c) => c.key).join() !== this.allCols.map((c) => c.key).join() ||
      this.head.childElementCount === 0
    ) {
      this.allCols = cols;
      this.applyColumns();
    }
    this.refilter();
  }

  /** Every column, for the column picker. */
  get allColumns(): readonly Column[] {
    return this.allCols;
  }

  /** Shows the columns `shown` picks now (the picker changed, or the width crossed 900 px). */
  refreshColumns(): void {
    this.applyColumns();
    this.refilter();
  }

  private applyColumns(): void {
    this.cols = this.allCols.filter((c) => this.on.shown(c));
    this.renderHead();
  }

  setFilter(text: string): void {
    this.terms = text.toLowerCase().split(/\s+/).filter(Boolean);
    this.refilter();
  }

  get visibleCount(): number {
    return this.rows.length;
  }

  /** The rows the filter lets through, in the table's order (the metric chart follows them). */
  get visibleRows(): readonly ApiCommit[] {
    return this.rows;
  }

  /** The ticked commits, oldest first (the first is the comparison's baseline). */
  selectedCommits(): ApiCommit[] {
    return this.all
      .filter((c) => this.selected.has(c.id))
      .sort((a, b) => (a.timestamp + a.id < b.timestamp + b.id ? -1 : 1));
  }

  clearSelection(): void {
    this.selected.clear();
    this.on.selected([]);
    this.render();
  }

  private toggle(id: string, on: boolean): void {
    if (on) this.selected.add(id);
    else this.selected.delete(id);
    this.on.selected([...this.selected]);
  }

  private renderHead(): void {
    // The first track is the compare checkbox.
    const tpl = `28px ${this.cols.map((c) => c.width).join(' ')}`;
    this.el.style.setProperty('--cols', tpl);
    this.el.style.setProperty('--row-h', `${ROW_HEIGHT}px`);
    // Every row is its own grid: fixed minimums keep all of them aligned with the header.
    const minW = this.cols.reduce((sum, c) => sum + Number(/(\d+)px/.exec(c.width)?.[1] ?? 80), 28);
    this.el.style.setProperty('--min-w', `${minW}px`);
    this.head.replaceChildren(
      h('span', { class: 'th-select', role: 'columnheader', title: 'tick commits to compare them' }, '⇄'),
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
              this.on.sorted(this.sort);
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
    const col =
      this.allCols.find((c) => c.key === this.sort.key) ?? this.allCols.find((c) => c.key === 'time')!;
    const dir = this.sort.dir;
    const keyed = this.all.filter((c) => matches(c, this.terms)).map((c) => ({ c, k: col.sort(c, now) }));
    keyed.sort((a, b) => {
      // Empty values sort last whatever the direction.
      if (a.k === null || a.k === '') return b.k === null || b.k === '' ? 0 : 1;
      if (b.k === null || b.k === '') return -1;
      return (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) * dir || (a.c.id < b.c.id ? 1 : -1);
    });
    this.rows = keyed.map((x) => x.c);
    this.items = flatten(this.rows, (g) => this.groups.expanded(g));
    this.spacer.style.height = `${this.items.length * ROW_HEIGHT}px`;
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
    const end = Math.min(this.items.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    this.body.style.transform = `translateY(${start * ROW_HEIGHT}px)`;
    const frag = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      const c = this.items[i]!;
      if (c instanceof GroupHead) {
        frag.appendChild(this.groupHeader(c.group));
        continue;
      }
      const row = h('div', {
        class: `tr s-row-${c.status}${c.group === null ? '' : ' in-group'}`,
        role: 'row',
        'data-id': c.id,
      });
      row.appendChild(
        h(
          'div',
          { class: 'td c-select', role: 'cell' },
          h('input', {
            type: 'checkbox',
            class: 'select',
            'aria-label': `compare ${c.id}`,
            checked: this.selected.has(c.id),
            onchange: (e: Event) => this.toggle(c.id, (e.target as HTMLInputElement).checked),
          }),
        ),
      );
      for (const col of this.cols)
        row.appendChild(h('div', { class: `td c-${col.cls}`, role: 'cell' }, col.cell(c, now, this.on.open)));
      frag.appendChild(row);
    }
    this.body.replaceChildren(frag);
  }

  private groupHeader(group: string): HTMLElement {
    const runs = this.runs.get(group) ?? [];
    const sorted = this.sort.key.startsWith('m:') ? this.sort.key.slice(2) : null;
    return groupRow(group, runs, this.groups.expanded(group), bestRun(runs, this.metricNames, sorted), {
      toggle: (g) => {
        this.groups.toggle(g);
        this.items = flatten(this.rows, (x) => this.groups.expanded(x));
        this.spacer.style.height = `${this.items.length * ROW_HEIGHT}px`;
        this.render();
      },
      compare: this.on.compareGroup,
      open: this.on.open,
    });
  }
}
