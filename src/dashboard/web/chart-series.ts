// The metric chart's points, as pure data: for each metric, one point per commit that has it, at
// the commit's time or at its value of a `-p` parameter. A parameter whose values are all numbers
// is a numeric axis; otherwise each distinct value is a category at positions 0, 1, 2, …
import type { ApiCommit } from '../server/api.js';
import { paramText, paramValue } from './format.js';

/** What the x axis shows: the commit's time, or a parameter's value. */
export type XAxis = { kind: 'time' } | { kind: 'param'; name: string };

export interface Series {
  name: string;
  /** The commits plotted, in x order (uPlot wants x ascending). */
  commits: ApiCommit[];
  xs: number[];
  ys: number[];
  /** Categorical x: the label at each position; null for time and numeric parameters. */
  categories: string[] | null;
  /** A numeric parameter with few values (a sweep's grid): ticks at exactly those values. */
  ticks: number[] | null;
}

/** Up to this many distinct numeric values get a tick each. */
const MAX_VALUE_TICKS = 12;

const byTime = (a: ApiCommit, b: ApiCommit) => (a.timestamp + a.id < b.timestamp + b.id ? -1 : 1);
const hasMetric = (c: ApiCommit, name: string) =>
  Object.hasOwn(c.metrics, name) && Number.isFinite(c.metrics[name]);

const collator = new Intl.Collator(undefined, { numeric: true });

export function metricSeries(rows: readonly ApiCommit[], names: readonly string[], x: XAxis): Series[] {
  const sorted = [...rows].sort(byTime);
  return names.map((name) => {
    const withMetric = sorted.filter((c) => hasMetric(c, name));
    if (x.kind === 'time')
      return {
        name,
        commits: withMetric,
        xs: withMetric.map((c) => Date.parse(c.timestamp) / 1000),
        ys: withMetric.map((c) => c.metrics[name]!),
        categories: null,
        ticks: null,
      };
    const points = withMetric
      .map((c) => ({ c, v: paramValue(c.parameters, x.name) }))
      .filter((p) => p.v !== undefined);
    const numeric = points.every((p) => typeof p.v === 'number' && Number.isFinite(p.v));
    let categories: string[] | null = null;
    let at: (v: unknown) => number;
    if (numeric) at = (v) => v as number;
    else {
      categories = [...new Set(points.map((p) => paramText(p.v)))].sort(collator.compare);
      const index = new Map(categories.map((label, i) => [label, i]));
      at = (v) => index.get(paramText(v))!;
    }
    // Stable: runs with the same value stay oldest first.
    const placed = points.map((p) => ({ c: p.c, x: at(p.v) })).sort((a, b) => a.x - b.x);
    const xs = placed.map((p) => p.x);
    const distinct = [...new Set(xs)];
    return {
      name,
      commits: placed.map((p) => p.c),
      xs,
      ys: placed.map((p) => p.c.metrics[name]!),
      categories,
      ticks: numeric && distinct.length <= MAX_VALUE_TICKS ? distinct : null,
    };
  });
}

/** The x range drawn: categories sit half a step in from the edges; one value gets room around it. */
export function xRange(s: Series): [number, number] {
  if (s.categories) return [-0.5, s.categories.length - 0.5];
  const min = Math.min(...s.xs);
  const max = Math.max(...s.xs);
  const pad = min === max ? Math.abs(min) * 0.1 || 1 : (max - min) * 0.05;
  return [min - pad, max + pad];
}

/** The index of the point nearest to (left, top) in pixels, if one is within `radius`. */
export function nearestPoint(
  s: Series,
  left: number,
  top: number,
  pos: (x: number, y: number) => [number, number],
  radius: number,
): number | null {
  let best: number | null = null;
  let bestD = radius * radius;
  for (let i = 0; i < s.xs.length; i++) {
    const [px, py] = pos(s.xs[i]!, s.ys[i]!);
    const d = (px - left) ** 2 + (py - top) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
