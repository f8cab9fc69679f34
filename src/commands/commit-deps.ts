// Wires the real adapters into the commit use case (src/core/commit/commit.ts).
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { createBackend } from '../adapters/backends/index.js';
import { createSnapshot, deleteRef, inspectSnapshot, pushRef, repoRoot } from '../adapters/git/snapshot.js';
import {
  clearNotebook,
  parseNotebook,
  readNotebook,
  serializeNotebook,
} from '../adapters/notebook/notebook.js';
import { readDevFile } from '../adapters/ssh/dev-files.js';
import { recordLaunch, releaseCommitId, reserveCommitId } from '../adapters/store/jobs.js';
import type { Config } from '../config/types.js';
import type { CommitDeps } from '../core/commit/commit.js';
import { UserError } from '../errors.js';
import { mymlopsHome } from '../util/paths.js';

/** Extra ssh arguments for every git-over-ssh call (e.g. `-o UserKnownHostsFile=...`), space separated. */
export function sshOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['MYMLOPS_SSH_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
}

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

export function commitDeps(config: Config, home: string = mymlopsHome()): CommitDeps {
  return {
    now: () => new Date(),
    cwd: process.cwd(),
    readNotebook,
    clearNotebook: (nb) => serializeNotebook(clearNotebook(nb)),
    realpath: (p) => realpathSync(p),
    checkKey,
    repoRoot,
    inspectSnapshot,
    createSnapshot,
    pushRef,
    deleteRef,
    reserveCommitId: (now) => reserveCommitId(now, home),
    releaseCommitId: (id) => releaseCommitId(id, home),
    recordLaunch: (rec) => recordLaunch(rec, home),
    backend: () => createBackend(config, home),
    readDevNotebook: async (instance, rel) =>
      parseNotebook(
        await readDevFile(instance, rel, {
          backend: createBackend(config, home),
          home,
          project: config.gcp.project,
        }),
        `${instance}:${rel}`,
      ),
  };
}
