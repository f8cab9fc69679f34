// The table's filter: every word typed must appear in what a row shows (id, status, notebook,
// notes, repository, accelerator, the problem, local time, its sweep group and `name=value` of
// each parameter), case-insensitive.
import type { ApiCommit } from '../server/api.js';
import { problem } from './columns.js';
import { localTime, paramText } from './format.js';

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
    problem(c),
    localTime(c.timestamp),
    c.group,
    ...Object.entries(c.parameters).map(([k, v]) => `${k}=${paramText(v)}`),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return terms.every((t) => hay.includes(t));
}
