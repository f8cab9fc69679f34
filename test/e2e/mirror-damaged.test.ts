// The output repository's local mirror (a cache under MYMLOPS_HOME) loses its objects — a disk
// cleanup, a copied home: status, show and diff still answer with the real results, because the
// mirror fetches again what it misses instead of serving a stale list or crashing.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { localProject } from '../helpers/local-commit.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-mirror-damaged-'));
const home = join(tmp, 'home');
let repo = '';
const env = { MYMLOPS_HOME: home, NO_COLOR: '1' };
const ids: string[] = [];

before(() => {
  ({ repo } = localProject(tmp));
  for (let i = 0; i < 2; i++) {
    const r = runCli(['commit', 'notebooks/quick.ipynb', '-n', `run ${i}`], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    ids.push(/commit (\d{8}_\d{6})/.exec(r.stderr)![1]!);
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('a mirror without its objects: status, show and diff still answer from the repository', () => {
  assert.equal(runCli(['status'], { cwd: repo, env }).code, 0);
  const cache = join(home, 'cache', 'output-repo');
  for (const k of readdirSync(cache))
    rmSync(join(cache, k, 'mirror.git', 'objects'), { recursive: true, force: true });
  const st = runCli(['status', '--json'], { cwd: repo, env });
  assert.equal(st.code, 0, st.stderr);
  const rows = (JSON.parse(st.stdout).commits as { id: string; status: string }[]).filter((c) =>
    ids.includes(c.id),
  );
  assert.deepEqual(rows.map((c) => c.status).sort(), ['succeeded', 'succeeded']);
  const show = runCli(['show', ids[0]!], { cwd: repo, env });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /run 0/);
  const diff = runCli(['diff', ids[0]!, ids[1]!], { cwd: repo, env });
  assert.equal(diff.code, 0, diff.stderr);
  assert.doesNotMatch(show.stderr + diff.stderr, /internal error/);
});
