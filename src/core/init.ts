// `mymlops init`: a starter config for the local backend, with an output repository as a bare
// repo under MYMLOPS_HOME. This is the plan (names, URLs, the file's text); src/app/init/init.ts asks git,
// makes the bare repositories and writes the files.
import { basename, join } from 'node:path';
import { splitUrlCredentials } from '../util/url.js';
import { HOME } from '../util/home-layout.js';
import { CONFIG_NAME } from '../config/load.js';

/** The copy of the schema `init` writes next to mymlops.yml (for editors; `validate` needs none). */
export const SCHEMA_COPY = 'mymlops.schema.json';

export interface InitInput {
  /** The folder mymlops.yml goes in (absolute). */
  dir: string;
  home: string;
  /** The repository's top folder (`git rev-parse --show-toplevel`). */
  top: string;
  /** The current branch (null: detached or unborn without a name). */
  branch: string | null;
  /** `origin`'s URL (null: no origin). */
  origin: string | null;
}

export interface InitPlan {
  file: string;
  /** Bare repositories to create where none is (path and initial branch). */
  bare: { path: string; branch: string }[];
  outputRepo: string;
  text: string;
  /** One line for the user when the config differs from what they might expect (null: none). */
  note: string | null;
}

export function planInit(i: InitInput): InitPlan {
  const name = basename(i.top).replace(/[^A-Za-z0-9._-]/g, '_');
  const branch = i.branch ?? 'master';
  // A token in the clone's URL must never land in a file that is committed (and pushed by snapshots).
  const split = i.origin === null ? null : splitUrlCredentials(i.origin);
  const sourceUrl = split?.url ?? HOME.bareRepo(i.home, name);
  const outputRepo = HOME.bareRepo(i.home, `${name}-output`);
  const bare = [...(i.origin ? [] : [{ path: sourceUrl, branch }]), { path: outputRepo, branch: 'master' }];
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
  const note = split?.credentials
    ? `the credentials in origin's URL were left out of ${CONFIG_NAME}: git asks your credential helper, or write https://user:\${TOKEN}@… with TOKEN in .env`
    : null;
  return { file: join(i.dir, CONFIG_NAME), bare, outputRepo, text, note };
}
