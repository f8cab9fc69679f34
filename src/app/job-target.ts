// Resolves `ID` (commit id or machine name) for logs/cancel to its launch record and backend, and a
// commit to its machine: by the recorded name, else by the commit id label (a launch interrupted
// before its record said which machine, or an earlier attempt's name).
import { existsSync } from 'node:fs';
import { findLaunch, jobDir, type LaunchRecord } from '../adapters/store/jobs.js';
import { isCommitId } from '../core/commit/ids.js';
import type { LiveMachine } from '../core/model.js';
import type { ComputeBackend } from '../core/ports/backend.js';
import { UserError } from '../errors.js';
import { mymlopsHome } from '../util/paths.js';
import { backendFor } from './context.js';

export function jobTarget(
  id: string,
  home: string = mymlopsHome(),
): { rec: LaunchRecord; backend: ComputeBackend } {
  const rec = findLaunch(id, home);
  if (!rec) {
    // A reserved folder without a record: the CLI stopped before it asked for any machine.
    if (isCommitId(id) && existsSync(jobDir(id, home)))
      throw new UserError(
        `commit ${id} never reached its launch (the CLI stopped before asking for a machine): nothing runs`,
        'commit the notebook again',
      );
    throw new UserError(
      `no job ${id} was launched from this machine (${home}/jobs)`,
      'pass a commit id shown by `mymlops commit` or `mymlops status`',
    );
  }
  return { rec, backend: backendFor({ backend: rec.backend }, home) };
}

/** The commit's machine among `machines`: the recorded one, else its newest labelled one. */
export function machineOf(rec: LaunchRecord, machines: LiveMachine[]): LiveMachine | undefined {
  const named = machines.find((m) => m.name === rec.machine);
  if (named) return named;
  const own = machines.filter((m) => m.kind === 'commit' && m.commitId === rec.commit);
  return own.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')).pop();
}
