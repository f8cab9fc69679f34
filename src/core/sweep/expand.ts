// A sweep's runs: the cartesian product of its axes, the last axis varying fastest (as
// itertools.product), each run with the values metadata.json stores and the cell it injects. Pure.
import { UserError } from '../../errors.js';
import type { Axis } from '../params/parse.js';
import { type JsonParam, type ParamValue, parametersCell, toJson } from '../params/python.js';

/** What one commit carries: values for metadata.json and status, the source of the injected cell. */
export interface RunParameters {
  values: Record<string, JsonParam>;
  cell: string;
}

/** Runs one command may start. */
export const MAX_RUNS = 1000;

/** Confirmation is asked above this many runs. */
export const CONFIRM_ABOVE = 5;

export function runCount(axes: Axis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

export function expand(axes: Axis[]): RunParameters[] {
  const total = runCount(axes);
  if (total > MAX_RUNS)
    throw new UserError(`the sweep expands to ${total} runs (at most ${MAX_RUNS})`, 'sweep fewer values');
  let combos: Map<string, ParamValue>[] = [new Map()];
  for (const axis of axes) {
    // A fixed value joins every run as it is: copying each run per fixed value made 20,000 of them
    // quadratic.
    if (axis.values.length === 1) for (const c of combos) c.set(axis.name, axis.values[0]!);
    else combos = combos.flatMap((c) => axis.values.map((v) => new Map([...c, [axis.name, v]])));
  }
  return combos.map((c) => ({
    values: Object.fromEntries([...c].map(([k, v]) => [k, toJson(v)])),
    cell: parametersCell(c),
  }));
}

/** The group id of a sweep: its first commit's id with a `g`, so it sorts and reads like one. */
export function groupIdFor(firstCommitId: string): string {
  return `${firstCommitId}g`;
}

export function isGroupId(s: string): boolean {
  return /^\d{8}_\d{6}(?:_\d+)?g$/.test(s);
}
