// Resolves `ID` (commit id or machine name) for logs/cancel to its launch record and backend.
import type { ComputeBackend } from '../core/ports/backend.js';
import { findLaunch, type LaunchRecord } from '../adapters/store/jobs.js';
import { UserError } from '../errors.js';
import { mymlopsHome } from '../util/paths.js';
import { backendFor } from './context.js';

export function jobTarget(
  id: string,
  home: string = mymlopsHome(),
): { rec: LaunchRecord; backend: ComputeBackend } {
  const rec = findLaunch(id, home);
  if (!rec)
    throw new UserError(
      `no job ${id} was launched from this machine (${home}/jobs)`,
      'pass a commit id shown by `mymlops commit` or `mymlops status`',
    );
  return { rec, backend: backendFor({ backend: rec.backend }, home) };
}
