// The metric chart (its own script, loaded when the chart is first shown): for each metric, its
// value over the commits the table's filter lets through — time on the x axis, one point per
// commit; a click on a point opens that commit. uPlot draws to a canvas: thousands of points stay fast.
import uPlot from 'uplot';
import type { ApiCommit } from '../server/api.js';
import { append, h } from './dom.js';
import { linkStyle } from './link-style.js';

export interface ChartView {
  update(rows: readonly ApiCommit[], metricNames: readonly string[]): void;
  close(): void;
}

/** More than this many metrics: the first ones (the table's order) get a chart, with a note. */
const MAX_CHARTS = 8;
const HEIGHT = 170;

interface Series {
  name: string;
  commits: ApiCommit[];
  xs: number[];
  ys: number[];
}

/** Each metric's points: commits that have it, oldest first (uPlot wants x ascending). */
export function metricSeries(rows: readonly ApiCommit[], names: readonly string[]): Series[] {
  const byTime = [...rows].sort((a, b) => (a.timestamp + a.id < b.timestamp + b.id ? -1 : 1));
  return names.map((name) => {
    const commits = byTime.filter((c) => Object.hasOwn(c.metrics, name) && Number.isFinite(c.metrics[name]));
    return {
      name,
      commits,
      xs: commits.map((c) => Date.parse(c.timestamp) / 1000),
      ys: commits.map((c) => c.metrics[name]!),
    };
  });
}

export function openChart(box: HTMLElement, open: (c: ApiCommit) => void): ChartView {
  linkStyle('/compare.css');
  let plots: uPlot[] = [];
  let key = '';

  function plot(s: Series, width: number): HTMLElement {
    const el = h('div', { class: 'metric-chart', 'data-metric': s.name, 'data-points': s.commits.length });
    const u = new uPlot(
      {
        width,
        height: HEIGHT,
        title: s.name,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 9 } },
        scales: { x: { time: true } },
        series: [
          {},
          {
            label: s.name,
            stroke: '#2f6fdf',
            width: 1.5,
            spanGaps: true,
            points: { show: true, size: 6, fill: '#2f6fdf' },
          },
        ],
        axes: [{}, { size: 56 }],
      },
      [s.xs, s.ys],
      el,
    );
    // The cursor snaps to the nearest commit in time: a click there opens it.
    u.over.addEventListener('click', () => {
      const i = u.cursor.idx;
      if (i !== null && i !== undefined && s.commits[i]) open(s.commits[i]);
    });
    u.over.title = 'click a point to open its commit';
    plots.push(u);
    return el;
  }

  return {
    update(rows, names) {
      const series = metricSeries(rows, names.slice(0, MAX_CHARTS)).filter((s) => s.commits.length > 0);
      const next = JSON.stringify([
        box.clientWidth,
        series.map((s) => [s.name, s.commits.map((c) => c.id), s.ys]),
      ]);
      if (next === key) return;
      key = next;
      for (const p of plots) p.destroy();
      plots = [];
      if (series.length === 0) {
        box.replaceChildren(
          h('p', { class: 'muted' }, 'No commit in view has metrics (artifacts/metrics.json).'),
        );
        return;
      }
      const cols = box.clientWidth >= 900 && series.length > 1 ? 2 : 1;
      const width = Math.max(240, Math.floor((box.clientWidth - 16 * (cols - 1)) / cols));
      box.replaceChildren();
      append(
        box,
        h(
          'div',
          { class: 'charts', style: `grid-template-columns:repeat(${cols},1fr)` },
          ...series.map((s) => plot(s, width)),
        ),
        names.length > MAX_CHARTS
          ? h('p', { class: 'muted' }, `The first ${MAX_CHARTS} of ${names.length} metrics are charted.`)
          : null,
      );
    },
    close() {
      for (const p of plots) p.destroy();
      plots = [];
      box.replaceChildren();
    },
  };
}
