// Git fixtures for tests: a user repository made from a fixture folder, bare remotes, a mymlops.yml
// for the local backend, and small readers for what landed in a bare output repository.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './cli.js';

export const FIXTURE_REPO = join(ROOT, 'test', 'fixtures', 'notebook-repo');
/** Real notebook execution: the shipped runner (assets/job/run_notebook.py) the job offers on PATH,
 * run by the job's python (/usr/bin/python3: Debian's nbclient + ipykernel, not a pyenv one). */
export const REAL_COMMAND = 'mymlops-run-notebook';
/** Kernel-less stand-in (fast): see test/fixtures/notebook-repo/fake_run.py. */
export const FAKE_COMMAND = '/usr/bin/python3 fake_run.py';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export function bareRepo(path: string, branch = 'master'): string {
  mkdirSync(path, { recursive: true });
  git(path, 'init', '-q', '--bare', `--initial-branch=${branch}`);
  return path;
}

/** A commit test's repositories in `dir`: bare `origin.git` and `out.git`, and the user's `repo`. */
export function commitRepos(dir: string): { origin: string; out: string; repo: string } {
  const r = { origin: join(dir, 'origin.git'), out: join(dir, 'out.git'), repo: join(dir, 'repo') };
  bareRepo(r.origin);
  bareRepo(r.out);
  userRepo(r.repo);
  return r;
}

/** Commits `wait_go.sh` to `repo`: a runner that waits (up to 60 s) for the file `go`, then runs FAKE_COMMAND. */
export function commitWaitGo(repo: string, go: string): void {
  writeFileSync(
    join(repo, 'wait_go.sh'),
    `for _ in $(seq 600); do [ -e ${JSON.stringify(go)} ] && break; sleep 0.1; done\nexec ${FAKE_COMMAND} "$@"\n`,
  );
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'runner that waits');
}

/** A user repository: the fixture notebooks (and the kernel-less fake runner), committed on master. */
export function userRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(FIXTURE_REPO, dir, { recursive: true });
  cpSync(join(ROOT, 'examples', 'notebooks', 'plot.ipynb'), join(dir, 'notebooks', 'plot.ipynb'));
  git(dir, 'init', '-q', '--initial-branch=master');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** A notebook of three code cells that each take `seconds` under the fake runner (it sleeps on `sleep(N)`). */
export function sleepingSteps(seconds: number): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [1, 2, 3].map((i) => ({
      cell_type: 'code',
      id: `c${i}`,
      metadata: {},
      source: `time.sleep(${seconds}) # ${i}`,
      outputs: [],
      execution_count: null,
    })),
  });
}

/** Writes `files` (paths relative to `repo`, folders made as needed) and commits them as `message`. */
export function commitFiles(repo: string, files: Record<string, string | Buffer>, message: string): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

export interface LocalConfig {
  command: string;
  repository: string;
  output: string;
  repoKey?: string;
  outputKey?: string;
  progressInterval?: number;
  maxDuration?: number | string;
  extra?: string;
}

export function writeConfig(dir: string, c: LocalConfig): string {
  const file = join(dir, 'mymlops.yml');
  const repo = (url: string, key?: string) =>
    `    url: ${JSON.stringify(url)}\n${key ? `    deploy_key: ${JSON.stringify(key)}\n` : ''}`;
  writeFileSync(
    file,
    `backend: local\ncommit:\n  command: ${JSON.stringify(c.command)}\n` +
      `  repository:\n${repo(c.repository, c.repoKey)}` +
      `  output_repository:\n${repo(c.output, c.outputKey)}` +
      `  progress_interval: ${c.progressInterval ?? 0}\n` +
      (c.maxDuration !== undefined ? `  max_duration: ${c.maxDuration}\n` : '') +
      (c.extra ?? ''),
  );
  return file;
}

/** Folders (commit ids) on the output branch. */
export function outputFolders(bare: string, branch = 'master'): string[] {
  try {
    return git(bare, 'ls-tree', '--name-only', branch).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function outputFile(bare: string, path: string, branch = 'master'): string {
  return git(bare, 'show', `${branch}:${path}`);
}

export function outputFiles(bare: string, folder: string, branch = 'master'): string[] {
  return git(bare, 'ls-tree', '-r', '--name-only', branch, `${folder}/`).split('\n').filter(Boolean);
}

/** Snapshot refs pushed to a bare repository. */
export function snapshotRefs(bare: string): string[] {
  return git(bare, 'for-each-ref', '--format=%(refname)', 'refs/mymlops/').split('\n').filter(Boolean);
}

/** Everything that shows the user's repository state: status, index, refs, HEAD. */
export function repoState(dir: string): { status: string; index: string; refs: string; head: string } {
  return {
    status: git(dir, 'status', '--porcelain=v1', '--untracked-files=all'),
    index: git(dir, 'ls-files', '-s', '--debug'),
    refs: git(dir, 'for-each-ref'),
    head: git(dir, 'rev-parse', 'HEAD'),
  };
}
