// NAME or commit ID → one of the machines a backend lists (every VM carrying the `mymlops` label,
// launched from this computer or not, by mymlops or by the original tool): the machine of that
// name, else the machine running that commit (its commit label or metadata, or the commit id in
// its name) — a live one first, then the newest.
import { commitOfMachine } from './logs/text.js';
import type { Machine } from './model.js';
import { isPresent, standingFor } from './machine-state.js';

export function machineByNameOrCommit(id: string, machines: readonly Machine[]): Machine | undefined {
  const present = machines.filter(isPresent);
  const named = present.find((m) => m.name === id);
  if (named) return named;
  return standingFor(
    present.filter((m) => m.kind === 'commit' && (m.commitId === id || commitOfMachine(m.name) === id)),
  );
}

/** The commit a listed machine runs: its recorded commit id, else the one in its name. */
export function commitOfListed(m: Machine): string | null {
  return m.kind === 'commit' ? (m.commitId ?? commitOfMachine(m.name)) : null;
}
