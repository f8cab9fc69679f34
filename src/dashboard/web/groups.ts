// Sweep groups in the commits table: the table's rows become a flat list of items — commits and,
// for each group, a header row standing where its first run sorts, followed by its runs when it is
// expanded — so the virtualised body still renders only what is in view. Which groups are expanded
// is remembered in localStorage.
import { metricDirection } from '../../core/compare/metrics.js';
import type { ApiCommit } from '../server/api.js';
import { STATUS_ORDER } from './columns.js';

/** The header row of a group in the flat list (an ungrouped commit is its own item). */
export class GroupHead {
  constructor(readonly group: string) {}
}

export type Item = ApiCommit | GroupHead;

/**
 * `sorted` (the filtered commits in the table's order) as the table's rows: a group's header where
 * its first run is, its runs right after it (in the same order) when `expanded`, else nothing.
 */
export function flatten(sorted: readonly ApiCommit[], expanded: (group: string) => boolean): readonly Item[] {
  let members: Map<string, ApiCommit[]> | null = null;
  for (const c of sorted) {
    if (c.group === null) continue;
    members ??= new Map();
    const list = members.get(c.group);
    if (list) list.push(c);
    else members.set(c.group, [c]);
  }
  // No sweep among them: the rows are the list as it is (the 10,000-commit case stays one pass).
  if (!members) return sorted;
  const items: Item[] = [];
  for (const c of sorted) {
    if (c.group === null) items.push(c);
    else {
      const list = members.get(c.group);
      if (!list) continue;
      members.delete(c.group);
      items.push(new GroupHead(c.group));
      if (expanded(c.group)) for (const m of list) items.push(m);
    }
  }
  return items;
}

/** Every group's runs (filter or not), oldest first: what the header counts and compares. */
export function groupRuns(all: readonly ApiCommit[]): Map<string, ApiCommit[]> {
  const runs = new Map<string, ApiCommit[]>();
  for (const c of all) {
    if (c.group === null) continue;
    const list = runs.get(c.group);
    if (list) list.push(c);
    else runs.set(c.group, [c]);
  }
  for (const list of runs.values()) list.sort((a, b) => (a.timestamp + a.id < b.timestamp + b.id ? -1 : 1));
  return runs;
}

const STATUS_LABEL: Record<string, string> = { processing: 'running', provisioning: 'starting' };
const SUMMARY_ORDER = ['succeeded', ...STATUS_ORDER.filter((s) => s !== 'succeeded')];

/** "4 succeeded, 1 running, 1 queued". */
export function statusSummary(runs: readonly ApiCommit[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const rank = (s: string) => (SUMMARY_ORDER.includes(s) ? SUMMARY_ORDER.indexOf(s) : SUMMARY_ORDER.length);
  return [...counts]
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([s, n]) => `${n} ${STATUS_LABEL[s] ?? s}`)
    .join(', ');
}

export interface Best {
  metric: string;
  value: number;
  run: ApiCommit;
}

/**
 * The group's best run on one metric: `prefer` (the metric the table is sorted by) when some run
 * has it, else the first of `metricNames` that one has; lower is better for losses and errors.
 */
export function bestRun(
  runs: readonly ApiCommit[],
  metricNames: readonly string[],
  prefer: string | null,
): Best | null {
  const has = (m: string) => runs.some((r) => Object.hasOwn(r.metrics, m) && Number.isFinite(r.metrics[m]));
  const metric = prefer !== null && has(prefer) ? prefer : metricNames.find(has);
  if (metric === undefined) return null;
  const lower = metricDirection(metric) === 'lower';
  let best: Best | null = null;
  for (const run of runs) {
    if (!Object.hasOwn(run.metrics, metric)) continue;
    const value = run.metrics[metric]!;
    if (!Number.isFinite(value)) continue;
    if (!best || (lower ? value < best.value : value > best.value)) best = { metric, value, run };
  }
  return best;
}

const KEY = 'mymlops.groups';
/** Remembered expanded groups, the most recent last; older ones are forgotten past this. */
const MAX_REMEMBERED = 200;

/** Which groups are expanded (collapsed is the default), kept in localStorage. */
export class GroupState {
  private readonly open: Set<string>;

  constructor() {
    let ids: unknown = null;
    try {
      ids = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    } catch {
      ids = null;
    }
    this.open = new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  }

  expanded(group: string): boolean {
    return this.open.has(group);
  }

  toggle(group: string): void {
    if (!this.open.delete(group)) this.open.add(group);
    const ids = [...this.open].slice(-MAX_REMEMBERED);
    try {
      localStorage.setItem(KEY, JSON.stringify(ids));
    } catch {
      // Storage full or disabled: the state lasts until the page is reloaded.
    }
  }
}
