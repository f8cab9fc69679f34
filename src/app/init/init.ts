// `mymlops init` applied: asks git about the folder, makes the bare repositories, copies the schema
// and writes mymlops.yml (src/core/init.ts plans all of it). Refuses to overwrite; writes the file
// last so a failure leaves nothing.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { planInit, SCHEMA_COPY } from '../../core/init.js';
import type { GitRunner } from '../../core/ports/git.js';
import { UserError } from '../../errors.js';
import { packagePath } from '../../util/package-root.js';
import { mymlopsHome } from '../../util/paths.js';
import { CONFIG_NAME } from '../../config/load.js';

export interface InitResult {
  file: string;
  outputRepo: string;
  /** One line for the user when the config differs from what they might expect (null: none). */
  note: string | null;
}

/** A git value of `cwd` (trimmed), null when git fails or prints nothing. */
export async function gitValue(git: GitRunner, args: string[], cwd: string): Promise<string | null> {
  const r = await git(args, { cwd, allowFail: true });
  return r.code === 0 ? r.stdout.trim() || null : null;
}

export function schemaPath(): string {
  return packagePath('schema', 'mymlops.schema.json');
}

/** Where `init` writes mymlops.yml in `dir`; a file already there is never overwritten. */
export function newConfigFile(dir: string): string {
  const file = join(dir, CONFIG_NAME);
  if (existsSync(file))
    throw new UserError(`${file} already exists`, 'edit it, or delete it first to start over');
  return file;
}

export async function initProject(
  dirArg: string,
  git: GitRunner,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InitResult> {
  const dir = resolve(dirArg);
  newConfigFile(dir);
  const top = await gitValue(git, ['rev-parse', '--show-toplevel'], dir);
  if (!top)
    throw new UserError(
      `${dir} is not inside a git repository`,
      'run `git init` first (mymlops commits snapshot git repositories)',
    );
  const plan = planInit({
    dir,
    home: mymlopsHome(env),
    top,
    branch: await gitValue(git, ['symbolic-ref', '--short', 'HEAD'], dir),
    origin: await gitValue(git, ['remote', 'get-url', 'origin'], dir),
  });
  for (const b of plan.bare) {
    if (existsSync(join(b.path, 'HEAD'))) continue;
    mkdirSync(b.path, { recursive: true });
    await git(['init', '--bare', '--quiet', `--initial-branch=${b.branch}`, b.path]);
  }
  // The schema goes next to the config, committed with it: a path into wherever mymlops happens to
  // be installed would differ on every machine that checks the file out.
  copyFileSync(schemaPath(), join(dir, SCHEMA_COPY));
  writeFileSync(plan.file, plan.text, { flag: 'wx' });
  return { file: plan.file, outputRepo: plan.outputRepo, note: plan.note };
}
