// The metric chart (its own script, loaded when the chart is first shown): for each metric, its
// value over the commits the table's filter lets through — one point per commit, against time or
// against a `-p` parameter (a sweep's metric by learning rate); a click on a point opens that
// commit. uPlot draws to a canvas: thousands of points stay fast.
import uPlot from 'uplot';
import type { ApiCommit } from '../server/api.js';
import { metricSeries, nearestPoint, type Series, type XAxis, xRange } from './chart-series.js';
import { append, h } from './dom.js';
import { paramText } from './format.js';
import { linkStyle } from './link-style.js';

export interface ChartView {
  update(rows: readonly ApiCommit[], metricNames: readonly string[], paramNames?: readonly string[]): void;
  close(): void;
}

/** More than this many metrics: the first ones (the table's order) get a chart, with a note. */
const MAX_CHARTS = 8;
const HEIGHT = 170;
const X_KEY = 'mymlops.chart.x';
/** A click this close to a point (px) opens its commit, on a parameter axis. */
const CLICK_RADIUS = 16;

/** The plot on its element, for DevTools and the browser tests (points and positions). */
export type PlotElement = HTMLElement & { uplot?: uPlot };

function plotOptions(s: Series, x: XAxis, width: number): uPlot.Options {
  const param = x.kind === 'param';
  const cats = s.categories;
  const ticks = s.ticks;
  return {
    width,
    height: HEIGHT,
    title: s.name,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 9 } },
    scales: { x: param ? { time: false, range: () => xRange(s) } : { time: true } },
    series: [
      {},
      {
        label: s.name,
        stroke: '#2f6fdf',
        width: 1.5,
        spanGaps: true,
        // Against a parameter the runs are a scatter: a line through them would mean nothing.
        ...(param ? { paths: () => null } : {}),
        points: { show: true, size: 6, fill: '#2f6fdf' },
      },
    ],
    axes: [
      param
        ? {
            label: x.name,
            labelSize: 20,
            ...(cats
              ? {
                  splits: () => cats.map((_, i) => i),
                  values: (_u: uPlot, splits: number[]) => splits.map((i) => cats[i] ?? ''),
                }
              : ticks
                ? { splits: () => ticks, values: (_u: uPlot, splits: number[]) => splits.map(paramText) }
                : {}),
          }
        : {},
      { size: 56 },
    ],
  };
}

function savedX(): XAxis {
  const name = localStorage.getItem(X_KEY);
  return name ? { kind: 'param', name } : { kind: 'time' };
}

export function openChart(box: HTMLElement, open: (c: ApiCommit) => void): ChartView {
  linkStyle('/compare.css');
  let plots: uPlot[] = [];
  let key = '';
  let x = savedX();
  let last: { rows: readonly ApiCommit[]; names: readonly string[]; params: readonly string[] } = {
    rows: [],
    names: [],
    params: [],
  };
  const select = h('select', { class: 'chart-x', 'aria-label': 'chart x axis' });
  select.addEventListener('change', () => {
    x = select.value === '' ? { kind: 'time' } : { kind: 'param', name: select.value.slice(2) };
    if (x.kind === 'param') localStorage.setItem(X_KEY, x.name);
    else localStorage.removeItem(X_KEY);
    draw();
  });
  const bar = h('p', { class: 'chart-bar' }, h('label', {}, 'x axis ', select));
  const charts = h('div', {});
  box.replaceChildren(bar, charts);
  let optionsKey = '';

  function options(params: readonly string[]): void {
    // A remembered parameter no commit has any more: back to time.
    if (x.kind === 'param' && !params.includes(x.name)) x = { kind: 'time' };
    bar.hidden = params.length === 0;
    const k = JSON.stringify(params);
    if (k !== optionsKey) {
      optionsKey = k;
      select.replaceChildren(
        h('option', { value: '' }, 'time'),
        ...params.map((p) => h('option', { value: `p:${p}` }, p)),
      );
    }
    select.value = x.kind === 'param' ? `p:${x.name}` : '';
  }

  function plot(s: Series, width: number): HTMLElement {
    const el: PlotElement = h('div', {
      class: 'metric-chart',
      'data-metric': s.name,
      'data-points': s.commits.length,
    });
    const axis = x;
    const u = new uPlot(plotOptions(s, axis, width), [s.xs, s.ys], el);
    el.uplot = u;
    u.over.addEventListener('click', () => {
      let i: number | null | undefined = u.cursor.idx;
      // Against a parameter several runs share an x: the point nearest the pointer is the one.
      if (axis.kind === 'param')
        i = nearestPoint(
          s,
          u.cursor.left ?? -1,
          u.cursor.top ?? -1,
          (px, py) => [u.valToPos(px, 'x'), u.valToPos(py, 'y')],
          CLICK_RADIUS,
        );
      const hit = i === null || i === undefined ? undefined : s.commits[i];
      if (hit) open(hit);
    });
    u.over.title = 'click a point to open its commit';
    plots.push(u);
    return el;
  }

  function draw(force = true): void {
    const { rows, names, params } = last;
    options(params);
    const series = metricSeries(rows, names.slice(0, MAX_CHARTS), x).filter((s) => s.commits.length > 0);
    const next = JSON.stringify([
      box.clientWidth,
      x,
      series.map((s) => [s.name, s.commits.map((c) => c.id), s.xs, s.ys]),
    ]);
    if (next === key && !force) return;
    key = next;
    for (const p of plots) p.destroy();
    plots = [];
    if (series.length === 0) {
      charts.replaceChildren(
        h(
          'p',
          { class: 'muted' },
          x.kind === 'param'
            ? `No commit in view has both a metric and the parameter ${x.name}.`
            : 'No commit in view has metrics (artifacts/metrics.json).',
        ),
      );
      return;
    }
    const cols = box.clientWidth >= 900 && series.length > 1 ? 2 : 1;
    const width = Math.max(240, Math.floor((box.clientWidth - 16 * (cols - 1)) / cols));
    charts.replaceChildren();
    append(
      charts,
      h(
        'div',
        { class: 'charts', style: `grid-template-columns:repeat(${cols},1fr)` },
        ...series.map((s) => plot(s, width)),
      ),
      names.length > MAX_CHARTS
        ? h('p', { class: 'muted' }, `The first ${MAX_CHARTS} of ${names.length} metrics are charted.`)
        : null,
    );
  }

  return {
    update(rows, names, params = []) {
      last = { rows, names, params };
      draw(false);
    },
    close() {
      for (const p of plots) p.destroy();
      plots = [];
      box.replaceChildren();
    },
  };
}
