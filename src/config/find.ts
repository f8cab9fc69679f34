// Which mymlops.yml a command uses: --config, else MYMLOPS_CONFIG, else the nearest one from the
// current folder up to the repository root — the way git finds `.git`, so a command run in a
// sub-folder of the repository finds the config at its top.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { envValue } from '../util/env.js';

export const CONFIG_NAME = 'mymlops.yml';

export interface FindOptions {
  /** --config FILE */
  file?: string | undefined;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The folders searched, nearest first: `cwd` and its parents up to the first one holding `.git`.
 * Outside any repository only `cwd` itself (a stray ~/mymlops.yml must not be picked up).
 */
export function searchFolders(cwd: string, exists: (p: string) => boolean = existsSync): string[] {
  const out: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    out.push(dir);
    if (exists(join(dir, '.git'))) return out;
    const up = dirname(dir);
    if (up === dir) return [resolve(cwd)];
    dir = up;
  }
}

export function findConfig(opts: FindOptions = {}): string {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const explicit = opts.file ?? envValue('MYMLOPS_CONFIG', env);
  if (explicit) {
    const p = resolve(cwd, explicit);
    if (!existsSync(p))
      throw new UserError(`config file ${explicit} not found`, 'check the --config / MYMLOPS_CONFIG path');
    return p;
  }
  const folders = searchFolders(cwd);
  for (const dir of folders) {
    const p = join(dir, CONFIG_NAME);
    if (existsSync(p)) return p;
  }
  const where = folders.length > 1 ? `${cwd} or its parents up to ${folders[folders.length - 1]}` : cwd;
  throw new UserError(
    `no ${CONFIG_NAME} in ${where}`,
    'run `mymlops init` to create one, or pass --config FILE',
  );
}
