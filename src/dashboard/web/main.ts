// The dashboard page: polls /api/status (ETag, every few seconds, paused while the tab is hidden),
// renders links, dev VMs and the commits table, opens the notebook viewer, and notifies (opt-in)
// when a commit finishes.
import { isActiveStatus } from '../../core/status/types.js';
import type { ApiCommit, ApiStatus } from '../server/api.js';
import { ColumnChoice, columnPicker } from './column-picker.js';
import { renderDevVms } from './devvms.js';
import { showDoctor } from './doctor-panel.js';
import { h, safeHref } from './dom.js';
import { CommitsTable, type SortState } from './table.js';
import { listenFrameHeights } from './frames.js';
import type { ChartView } from './chart.js';
import type { CompareView } from './compare.js';
import type { ViewerState } from './viewer.js';

const POLL_MS = 2500;
/** While hidden, poll only to notify, and slowly. */
const HIDDEN_NOTIFY_POLL_MS = 20_000;
const RENDER_MEASURE = 'mymlops render';
const $ = (id: string) => document.getElementById(id)!;

let data: ApiStatus | null = null;
let etag: string | null = null;
let viewer: ViewerState | null = null;
let timer: number | undefined;
let lastStatuses = new Map<string, string>();

const savedSort = (() => {
  try {
    return JSON.parse(localStorage.getItem('mymlops.sort') ?? 'null') as SortState | null;
  } catch {
    return null;
  }
})();
const columnChoice = new ColumnChoice(() => table.refreshColumns());
const table = new CommitsTable({
  sort: savedSort ?? { key: 'time', dir: -1 },
  open: (c) => void openCommit(c),
  sorted: (s) => localStorage.setItem('mymlops.sort', JSON.stringify(s)),
  shown: (c) => columnChoice.shown(c),
  selected: (ids) => {
    const b = $('compare') as HTMLButtonElement;
    b.hidden = ids.length < 2;
    b.textContent = `Compare ${ids.length} commits`;
  },
  compareGroup: (group, runs) => void compareGroup(group, runs),
});

/**
 * The viewer is its own script (marked, KaTeX, highlight.js), built as a separate entry: imported
 * by URL, so the bundler leaves it out of app.js and the table never loads it.
 */
const VIEWER_URL = '/viewer.js';
let opening = 0;
async function openCommit(c: ApiCommit): Promise<void> {
  viewer?.close();
  const ticket = ++opening;
  history.replaceState(null, '', `#commit=${encodeURIComponent(c.id)}`);
  const { openViewer } = (await import(VIEWER_URL)) as typeof import('./viewer.js');
  // A second click while the chunk loaded wins.
  if (ticket !== opening) return;
  viewer = openViewer(c, () => {
    viewer = null;
    history.replaceState(null, '', location.pathname);
  });
}

/** The compare view and the metric chart are their own scripts too, loaded on first use. */
const COMPARE_URL = '/compare.js';
const CHART_URL = '/chart.js';
let compareView: CompareView | null = null;
let chart: ChartView | null = null;

async function openCompare(picked = table.selectedCommits(), note: string | null = null): Promise<void> {
  if (picked.length < 2) return;
  compareView?.close();
  const { openCompare } = (await import(COMPARE_URL)) as typeof import('./compare.js');
  compareView = openCompare(
    picked,
    () => {
      compareView = null;
    },
    note,
  );
}

/** A sweep's runs, oldest first, as many as the compare route takes (the rest are named). */
function compareGroup(group: string, runs: ApiCommit[]): Promise<void> {
  const limit = data?.compare_limit ?? runs.length;
  const note =
    runs.length > limit
      ? `Group ${group} has ${runs.length} runs: comparing the first ${limit} (the most compared at once).`
      : null;
  return openCompare(runs.slice(0, limit), note);
}

async function toggleChart(): Promise<void> {
  const box = $('chart');
  const button = $('chart-toggle');
  if (chart) {
    chart.close();
    chart = null;
    box.hidden = true;
    button.setAttribute('aria-pressed', 'false');
    return;
  }
  box.hidden = false;
  button.setAttribute('aria-pressed', 'true');
  const { openChart } = (await import(CHART_URL)) as typeof import('./chart.js');
  chart = openChart(box, (c) => void openCommit(c));
  updateChart();
}

function updateChart(): void {
  chart?.update(table.visibleRows, data?.metric_columns ?? [], data?.parameter_columns ?? []);
}

function notifyEnabled(): boolean {
  return (
    typeof Notification !== 'undefined' &&
    Notification.permission === 'granted' &&
    localStorage.getItem('mymlops.notify') === '1'
  );
}

function notifyFinished(next: ApiStatus): void {
  const seen = new Map(next.commits.map((c) => [c.id, c.status]));
  if (notifyEnabled() && lastStatuses.size) {
    for (const c of next.commits) {
      const before = lastStatuses.get(c.id);
      if (before && isActiveStatus(before) && (c.status === 'succeeded' || c.status === 'failed')) {
        const n = new Notification(
          `${c.status === 'succeeded' ? '✓' : '✗'} ${c.notebook ?? c.id} ${c.status}`,
          {
            body: [c.notes, c.reason].filter(Boolean).join(' — ') || c.id,
            tag: `mymlops-${c.id}`,
          },
        );
        n.onclick = () => {
          focus();
          void openCommit(c);
        };
      }
    }
  }
  lastStatuses = seen;
}

function renderNotifyButton(): void {
  const b = $('notify') as HTMLButtonElement;
  if (typeof Notification === 'undefined') {
    b.hidden = true;
    return;
  }
  const on = notifyEnabled();
  b.textContent = on ? 'Notifications on ✓' : 'Notify me when a commit finishes';
  b.setAttribute('aria-pressed', String(on));
}

function render(d: ApiStatus): void {
  const t0 = performance.now();
  document.title = d.running ? `(${d.running} running) mymlops` : 'mymlops';
  const links = $('links');
  links.replaceChildren(
    ...d.links.map((l) => {
      const href = safeHref(l.url);
      return href
        ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, l.name)
        : h('span', {}, l.name);
    }),
  );
  links.hidden = d.links.length === 0;
  $('devvms').replaceChildren(renderDevVms(d.dev_vms));
  $('warnings').replaceChildren(...d.warnings.map((w) => h('div', { class: 'warning' }, w)));
  $('summary').textContent =
    `${d.commits.length} commit${d.commits.length === 1 ? '' : 's'}, ${d.running} running`;
  table.setData(d.commits, d.metric_columns, d.parameter_columns);
  showDoctor($('doctor'), d.commits.length === 0);
  updateChart();
  if (viewer) viewer.update(d.commits.find((c) => c.id === viewer?.id));
  // A standard User Timing entry (DevTools' performance panel shows it; `npm run bench` reads it).
  performance.measure(RENDER_MEASURE, { start: t0 });
}

async function poll(): Promise<void> {
  try {
    const r = await fetch('/api/status', {
      cache: 'no-store',
      headers: etag ? { 'If-None-Match': etag } : {},
    });
    if (r.status === 304) return;
    if (!r.ok)
      throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${r.status}`);
    const next = (await r.json()) as ApiStatus;
    etag = r.headers.get('ETag');
    $('offline').hidden = true;
    notifyFinished(next);
    data = next;
    render(next);
    const m = /^#commit=(.+)$/.exec(location.hash);
    if (m && !viewer) {
      const c = next.commits.find((x) => x.id === decodeURIComponent(m[1]!));
      if (c) void openCommit(c);
    }
  } catch (e) {
    const off = $('offline');
    off.textContent = `Cannot reach the dashboard server (${(e as Error).message}); retrying…`;
    off.hidden = false;
  }
}

function schedule(): void {
  clearTimeout(timer);
  const hidden = document.hidden;
  // Hidden tab: no polling, unless the user asked to be notified and something is running.
  if (hidden && !(notifyEnabled() && (data?.running ?? 0) > 0)) return;
  timer = window.setTimeout(
    async () => {
      await poll();
      schedule();
    },
    hidden ? HIDDEN_NOTIFY_POLL_MS : POLL_MS,
  );
}

function start(): void {
  $('table').replaceWith(table.el);
  $('summary').before(
    columnPicker(
      columnChoice,
      () => table.allColumns,
      () => table.refreshColumns(),
    ),
  );
  const filter = $('filter') as HTMLInputElement;
  filter.addEventListener('input', () => {
    table.setFilter(filter.value);
    updateChart();
    $('summary').textContent = data
      ? `${table.visibleCount} of ${data.commits.length} commits, ${data.running} running`
      : '';
  });
  $('compare').addEventListener('click', () => void openCompare());
  $('chart-toggle').addEventListener('click', () => void toggleChart());
  $('notify').addEventListener('click', async () => {
    if (notifyEnabled()) localStorage.setItem('mymlops.notify', '0');
    else if ((await Notification.requestPermission()) === 'granted')
      localStorage.setItem('mymlops.notify', '1');
    renderNotifyButton();
  });
  renderNotifyButton();
  listenFrameHeights();
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void poll().then(schedule);
    else schedule();
  });
  void poll().then(schedule);
}

start();
