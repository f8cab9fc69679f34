// Metrics of N commits side by side: each metric's values, their change from the baseline (the
// first commit given) and which commit is best. Whether lower or higher is better is guessed from
// the name, as experiment trackers do: losses and errors go down, scores go up.

export type Direction = 'lower' | 'higher';

// Whole words (separated by _, -, /, . or a case change) so `val_loss`, `MAE`, `rmse@10` and
// `errorRate` count, and `lossless_ratio` or `terror` do not.
const LOWER_WORDS = new Set([
  'loss',
  'logloss',
  'nll',
  'error',
  'err',
  'rmse',
  'mse',
  'mae',
  'mape',
  'smape',
  'rmsle',
  'msle',
  'wer',
  'cer',
  'perplexity',
  'ppl',
  'fpr',
  'fnr',
  'eer',
  'latency',
  'time',
  'seconds',
  'duration',
  'cost',
]);

export function metricDirection(name: string): Direction {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some((w) => LOWER_WORDS.has(w)) ? 'lower' : 'higher';
}

export interface MetricRow {
  name: string;
  direction: Direction;
  /** One entry per commit, in the order given; null where the commit has no such metric. */
  values: (number | null)[];
  /** value − the baseline's value (null when either is missing; the baseline's own is 0). */
  deltas: (number | null)[];
  /** Indexes of the commits with the best value (ties share it); empty when fewer than 2 values. */
  best: number[];
}

const own = (m: Record<string, number>, k: string): number | null =>
  Object.hasOwn(m, k) && Number.isFinite(m[k]) ? m[k]! : null;

/** Metrics of `commits`, in first-seen order; the first commit is the baseline of the deltas. */
export function compareMetrics(commits: readonly { metrics: Record<string, number> }[]): MetricRow[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const c of commits)
    for (const k of Object.keys(c.metrics))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  return names.map((name) => {
    const direction = metricDirection(name);
    const values = commits.map((c) => own(c.metrics, name));
    const base = values[0] ?? null;
    const deltas = values.map((v) => (v === null || base === null ? null : v - base));
    const present = values.filter((v): v is number => v !== null);
    let best: number[] = [];
    if (present.length >= 2) {
      const target = direction === 'lower' ? Math.min(...present) : Math.max(...present);
      // Every commit having the same value is no "best".
      if (present.some((v) => v !== target)) best = values.flatMap((v, i) => (v === target ? [i] : []));
    }
    return { name, direction, values, deltas, best };
  });
}

/** A delta for people: `+0.0123`, `−2.5`, `±0` (null → ''). */
export function formatDelta(d: number | null): string {
  if (d === null) return '';
  if (d === 0) return '±0';
  return `${d > 0 ? '+' : '−'}${formatNumber(Math.abs(d))}`;
}

/** Up to 6 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(4);
  return String(Number(v.toPrecision(6)));
}
