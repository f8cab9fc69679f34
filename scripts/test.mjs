// Runs the test tiers with node:test (through tsx). `node scripts/test.mjs [unit|integration|e2e|browser ...]`
// or a list of files. Files run in parallel up to the core count; each tier's files are independent.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tiers = ['unit', 'integration', 'e2e', 'browser'];
const args = process.argv.slice(2);
const chosen = args.filter((a) => tiers.includes(a));
const explicit = args.filter((a) => !tiers.includes(a));

function walk(dir) {
  let out = [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const files = explicit.length
  ? explicit.flatMap((a) => (statSync(a, { throwIfNoEntry: false })?.isDirectory() ? walk(a) : [a]))
  : (chosen.length ? chosen : tiers).flatMap((t) => walk(join(root, 'test', t)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Tests that set no MYMLOPS_HOME of their own still never touch the developer's ~/.mymlops.
const home = mkdtempSync(join(tmpdir(), 'mymlops-test-home-'));
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${Math.max(2, availableParallelism())}`,
    '--test-timeout=300000',
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, MYMLOPS_TEST: '1', MYMLOPS_HOME: home } },
);
rmSync(home, { recursive: true, force: true });
process.exit(r.status ?? 1);
