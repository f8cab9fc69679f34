// `npm run example`: a sample commit on the local backend, end to end. Builds a throwaway git
// repository from examples/ (a notebook with a plot + mymlops.yml), with the repository
// remote and the output repository as bare repos under a temporary MYMLOPS_HOME, runs
// `mymlops commit notebooks/plot.ipynb -n example -a` with the built CLI and shows what landed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const git = (cwd, ...args) => {
  const r = run('git', args, { cwd });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

if (!existsSync(join(root, 'dist', 'cli.js'))) {
  const b = run(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// A python that can execute notebooks: Debian's python3-nbclient/ipykernel/matplotlib (offered for
// install by scripts/notebook-deps.sh, which .ci/run uses too), or any other python3 that has them.
const canRun = (p) => run(p, ['-c', 'import nbclient, ipykernel, matplotlib']).status === 0;
let python = ['/usr/bin/python3', 'python3'].find(canRun);
if (!python) {
  const deps = spawnSync('bash', [join(root, 'scripts', 'notebook-deps.sh')], { stdio: 'inherit' });
  python = deps.status === 0 ? ['/usr/bin/python3'].find(canRun) : undefined;
}
if (!python) {
  console.error('mymlops example: no python3 with nbclient, ipykernel and matplotlib (see above)');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-example-'));
const home = join(tmp, 'mymlops-home');
const repo = join(tmp, 'example-repo');
const remote = join(home, 'repos', 'example.git');
const output = join(home, 'repos', 'example-output.git');
for (const bare of [remote, output]) {
  run('mkdir', ['-p', bare]);
  git(bare, 'init', '-q', '--bare', '--initial-branch=master');
}
cpSync(join(root, 'examples'), repo, { recursive: true });
writeFileSync(join(repo, '.env'), `EXAMPLE_REPOSITORY=${remote}\nEXAMPLE_OUTPUT_REPOSITORY=${output}\n`);
const ident = ['-c', 'user.name=mymlops example', '-c', 'user.email=example@mymlops.invalid'];
git(repo, 'init', '-q', '--initial-branch=master');
git(repo, 'add', '-A');
git(repo, ...ident, 'commit', '-q', '-m', 'example repository');

console.log(`example repository: ${repo}`);
console.log(`$ mymlops commit notebooks/plot.ipynb -n "example" -a   (MYMLOPS_HOME=${home})\n`);
const r = spawnSync(
  process.execPath,
  [join(root, 'bin', 'mymlops.cjs'), 'commit', 'notebooks/plot.ipynb', '-n', 'example', '-a'],
  {
    cwd: repo,
    stdio: 'inherit',
    // The job's python also runs the shipped runner (`mymlops-run-notebook`).
    env: { ...process.env, MYMLOPS_HOME: home, MYMLOPS_PYTHON: python },
  },
);
const folders = run('git', ['ls-tree', '--name-only', 'master'], { cwd: output }).stdout.trim();
console.log('');
if (folders) {
  const id = folders.split('\n').pop();
  console.log(`the result landed in ${output}, folder ${id}/:`);
  console.log(git(output, 'ls-tree', '-r', '--name-only', 'master', `${id}/`).replace(/^/gm, '  '));
  console.log(`\nlook at it:  git clone ${output} ${join(tmp, 'output')} && ls ${join(tmp, 'output', id)}`);
  console.log(`job files:   ${join(home, 'jobs', id)}`);
  console.log(
    `status:      cd ${repo} && MYMLOPS_HOME=${home} node ${join(root, 'bin', 'mymlops.cjs')} status   (or: … dashboard)`,
  );
}
console.log(`clean up:    rm -rf ${tmp}`);
process.exit(r.status ?? 1);
