// `mymlops init`: a starter config for the local backend, with an output repository as a bare
// repo under MYMLOPS_HOME. Refuses to overwrite; writes the file last so a failure leaves nothing.
// git comes in as a GitRunner (src/adapters/git/git.ts in the CLI), so core runs no process itself.
import { packagePath } from '../util/package-root.js';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { GitRunner } from './ports/git.js';
import { splitUrlCredentials } from './snapshot/url.js';
import { UserError } from '../errors.js';
import { mymlopsHome } from '../util/paths.js';
import { CONFIG_NAME } from '../config/load.js';

export interface InitResult {
  file: string;
  outputRepo: string;
  /** One line for the user when the config differs from what they might expect (null: none). */
  note: string | null;
}

async function gitValue(git: GitRunner, args: string[], cwd: string): Promise<string | null> {
  const r = await git(args, { cwd, allowFail: true });
  return r.code === 0 ? r.stdout.trim() || null : null;
}

async function ensureBare(git: GitRunner, path: string, branch: string): Promise<void> {
  if (existsSync(join(path, 'HEAD'))) return;
  mkdirSync(path, { recursive: true });
  await git(['init', '--bare', '--quiet', `--initial-branch=${branch}`, path]);
}

/** The copy of the schema `init` writes next to mymlops.yml (for editors; `validate` needs none). */
export const SCHEMA_COPY = 'mymlops.schema.json';

export function schemaPath(): string {
  return packagePath('schema', 'mymlops.schema.json');
}

export async function initProject(
  dirArg: string,
  git: GitRunner,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InitResult> {
  const dir = resolve(dirArg);
  const file = join(dir, CONFIG_NAME);
  if (existsSync(file))
    throw new UserError(`${file} already exists`, 'edit it, or delete it first to start over');
  const top = await gitValue(git, ['rev-parse', '--show-toplevel'], dir);
  if (!top)
    throw new UserError(
      `${dir} is not inside a git repository`,
      'run `git init` first (mymlops commits snapshot git repositories)',
    );
  const name = basename(top).replace(/[^A-Za-z0-9._-]/g, '_');
  const home = mymlopsHome(env);
  const branch = (await gitValue(git, ['symbolic-ref', '--short', 'HEAD'], dir)) ?? 'master';
  const origin = await gitValue(git, ['remote', 'get-url', 'origin'], dir);
  // A token in the clone's URL must never land in a file that is committed (and pushed by snapshots).
  const split = origin === null ? null : splitUrlCredentials(origin);
  const sourceUrl = split?.url ?? join(home, 'repos', `${name}.git`);
  const outputRepo = join(home, 'repos', `${name}-output.git`);
  if (!origin) await ensureBare(git, sourceUrl, branch);
  await ensureBare(git, outputRepo, 'master');
  // The schema goes next to the config, committed with it: a path into wherever mymlops happens to
  // be installed would differ on every machine that checks the file out.
  copyFileSync(schemaPath(), join(dir, SCHEMA_COPY));
  const text = `# yaml-language-server: $schema=./${SCHEMA_COPY}
# mymlops.yml — written by \`mymlops init\`. Reference: the README's "Config" section.
# Values may use \${NAME} placeholders, filled from .env next to this file or the environment.

# Where machines run: local (this machine) or gce (Google Compute Engine spot VMs).
backend: local

commit:
  # The notebook runner, run in a fresh clone; the notebook path is appended as its last argument.
  # mymlops-run-notebook comes with the job (the machine needs python3 with nbclient and a kernel):
  # it saves after every cell and keeps the first error, as papermill does. Any runner that executes
  # the notebook in place works too: papermill, or \`jupyter nbconvert --to notebook --execute
  # --inplace\` (which keeps no output at all when a cell fails).
  command: mymlops-run-notebook
  # The repository your notebooks live in: snapshots are pushed here under refs/mymlops/.
  repository:
    url: ${sourceUrl}
    branch: ${branch}
    # deploy_key: ~/.ssh/mymlops_deploy_key   # for ssh URLs
  # Where executed notebooks, artifacts and metadata.json land, one folder per commit.
  output_repository:
    url: ${outputRepo}
    branch: master
  # Seconds between pushes of the partly executed notebook (0 = only the final result).
  progress_interval: 60
  # On gce, add an instance section:
  # instance:
  #   zone_regex: us-.*
  #   machine_type: n1-standard-8
  #   snapshot: my-gpu-image
  #   accelerator: nvidia-tesla-t4

start:
  # Run in the dev machine's clone of the repository at every boot.
  command: jupyter lab --no-browser --ip 127.0.0.1 --port 8888
  repository:
    url: ${sourceUrl}
    branch: ${branch}

dashboard:
  links: {}
  #   jupyter: http://localhost:8888
`;
  writeFileSync(file, text, { flag: 'wx' });
  const note = split?.credentials
    ? `the credentials in origin's URL were left out of ${CONFIG_NAME}: git asks your credential helper, or write https://user:\${TOKEN}@… with TOKEN in .env`
    : null;
  return { file, outputRepo, note };
}
