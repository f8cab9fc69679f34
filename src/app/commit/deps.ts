// Wires the real adapters into the commit use case (src/core/commit/commit.ts).
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { readJobScript } from '../../adapters/assets.js';
import { claimOutputId } from '../../adapters/git/id-claim.js';
import { claimRef } from '../../adapters/git/push.js';
import { createSnapshot, deleteRef, inspectSnapshot, repoRoot } from '../../adapters/git/snapshot.js';
import {
  clearNotebook,
  parseNotebook,
  readNotebook,
  serializeNotebook,
} from '../../adapters/notebook/notebook.js';
import { readDevFile } from '../../adapters/ssh/dev-files.js';
import { recordLaunch, releaseCommitId, reserveCommitId } from '../../adapters/store/jobs.js';
import type { CommitDeps } from '../../core/commit/commit.js';
import { UserError } from '../../errors.js';
import type { AppContext } from '../context.js';

export function checkKey(path: string, what: string): void {
  try {
    if (!statSync(path).isFile())
      throw new UserError(`${what} ${path} is not a file`, 'point it at a private key file');
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UserError(
        `${what} ${path} does not exist`,
        'create the deploy key or fix the path in mymlops.yml',
      );
    throw new UserError(`${what} ${path} cannot be read (${code ?? 'error'})`, 'check the file permissions');
  }
}

/**
 * The commit deps, built once with what the caller wants told (`warn`, `onStep`): nothing patches
 * them afterwards.
 */
export function commitDeps(ctx: AppContext, say: Pick<CommitDeps, 'warn' | 'onStep'> = {}): CommitDeps {
  const home = ctx.home;
  return {
    ...say,
    now: ctx.now,
    cwd: process.cwd(),
    readNotebook,
    clearNotebook: (nb) => serializeNotebook(clearNotebook(nb)),
    realpath: (p) => realpathSync(p),
    checkKey,
    repoRoot,
    inspectSnapshot,
    createSnapshot,
    claimRef,
    claimOutputId,
    deleteRef,
    reserveCommitId: (now) => reserveCommitId(now, home),
    releaseCommitId: (id) => releaseCommitId(id, home),
    recordLaunch: (rec) => recordLaunch(rec, home),
    backend: ctx.backend,
    jobScript: readJobScript,
    readDevNotebook: async (instance, rel) =>
      parseNotebook(
        await readDevFile(instance, rel, {
          backend: ctx.backend(),
          home,
          project: ctx.config.gcp.project,
        }),
        `${instance}:${rel}`,
      ),
  };
}
