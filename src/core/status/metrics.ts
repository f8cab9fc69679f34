// artifacts/metrics.json → metric columns: a flat object whose values are finite numbers.
// Anything else (nested objects, strings, NaN) is left out with a note, never an error.

export interface Metrics {
  metrics: Record<string, number>;
  problem: string | null;
}

const MAX_METRICS = 50;

export function extractMetrics(text: string): Metrics {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { metrics: {}, problem: 'artifacts/metrics.json is not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { metrics: {}, problem: 'artifacts/metrics.json is not a JSON object' };
  // A Map, then own properties: a metric named `__proto__` or `constructor` is just a name.
  const metrics = new Map<string, number>();
  let skipped = 0;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (
      typeof v === 'number' &&
      Number.isFinite(v) &&
      k.length > 0 &&
      k.length <= 64 &&
      metrics.size < MAX_METRICS
    )
      metrics.set(k, v);
    else skipped++;
  }
  return {
    metrics: Object.fromEntries(metrics),
    problem: skipped
      ? `artifacts/metrics.json: ${skipped} value(s) ignored (only a flat object of numbers becomes columns)`
      : null,
  };
}

/** Metric names across rows, in first-seen order (newest commits first), for the columns. */
export function metricColumns(rows: { metrics: Record<string, number> }[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.metrics)) seen.add(k);
  return [...seen];
}
