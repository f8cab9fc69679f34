// `npm run check` for the programs that run on the machines: shellcheck on every shipped shell
// script under assets/ (sourced files followed, relative to the script) and a python compile of the
// job's helper. Warnings fail; shellcheck's info/style notes (e.g. trap handlers it thinks are
// unreachable) do not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'assets');

function walk(dir) {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error?.code === 'ENOENT') {
    const pkg = cmd === 'shellcheck' ? 'shellcheck' : 'python3';
    console.error(`check-assets: ${cmd} is not installed — install the Debian package ${pkg}`);
    process.exit(1);
  }
  return r.status === 0;
}

const files = walk(assets);
// scripts/*.sh set up the machine (scripts/notebook-deps.sh): checked like the shipped ones.
const setup = readdirSync(join(root, 'scripts'))
  .filter((f) => f.endsWith('.sh'))
  .map((f) => join(root, 'scripts', f));
const shell = [...files.filter((f) => f.endsWith('.sh')), ...setup].sort();
const python = files.filter((f) => f.endsWith('.py')).sort();
let ok = run('shellcheck', ['--external-sources', '--source-path=SCRIPTDIR', '--severity=warning', ...shell]);
// The compiled files go to a temporary folder, never next to the sources in assets/.
const cache = mkdtempSync(join(tmpdir(), 'mymlops-pycache-'));
try {
  ok = run('python3', ['-m', 'py_compile', ...python], { ...process.env, PYTHONPYCACHEPREFIX: cache }) && ok;
} finally {
  rmSync(cache, { recursive: true, force: true });
}
if (!ok) process.exit(1);
console.log(
  `check-assets: shellcheck ${shell.length} and py_compile ${python.length} files under assets/ ok (${[...shell, ...python].map((f) => relative(root, f)).join(', ')})`,
);
