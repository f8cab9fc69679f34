// The code diff of two snapshots read from a real code repository: fetched into the cache mirror
// once, the notebook left out, and a one-line note when the repository cannot be read.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { codeRepoDir, snapshotDiff } from '../../../src/adapters/git/code-diff.js';
import { codeRepoWithSnapshots } from '../../helpers/code-repo.js';

const dir = mkdtempSync(join(tmpdir(), 'mymlops-code-diff-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const A = '20250101_000000';
const B = '20250102_000000';
const { bare, shas } = codeRepoWithSnapshots(dir, [
  {
    id: A,
    files: { 'train.py': 'lr = 0.1\nprint(lr)\n', 'nb/exp.ipynb': '{"cells": []}\n', 'same.txt': 'x\n' },
  },
  {
    id: B,
    files: { 'train.py': 'lr = 0.05\nprint(lr)\n', 'nb/exp.ipynb': '{"cells": [1]}\n', 'new.py': 'pass\n' },
  },
]);
const home = join(dir, 'home');
const spec = { url: bare, root: dir };

test('snapshotDiff: the two refs fetched once, the notebook left out', async () => {
  const r = await snapshotDiff(home, spec, { id: A, snapshot: null }, { id: B, snapshot: null }, [
    'nb/exp.ipynb',
  ]);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const d = r.value;
  assert.match(d, /^diff --git a\/new\.py b\/new\.py\nnew file mode/m);
  assert.match(d, /^-lr = 0\.1\n\+lr = 0\.05$/m);
  assert.doesNotMatch(d, /exp\.ipynb/);
  assert.doesNotMatch(d, /same\.txt/);
  assert.ok(existsSync(join(codeRepoDir(home, bare), 'refs', 'mymlops', 'snapshots', A)));
  // Snapshots never move: with the repository gone, the cached ones (by sha too) still diff.
  rmSync(bare, { recursive: true, force: true });
  const again = await snapshotDiff(home, spec, { id: A, snapshot: shas[A]! }, { id: B, snapshot: null }, []);
  assert.ok(again.ok);
  assert.match(again.value, /exp\.ipynb/);
});

test('snapshotDiff: an unreadable repository or a missing snapshot is a one-line note', async () => {
  const r = await snapshotDiff(
    home,
    { url: join(dir, 'nope.git'), root: dir },
    { id: A, snapshot: null },
    { id: B, snapshot: null },
    [],
  );
  assert.ok(!r.ok);
  assert.match(r.error, /^cannot read the snapshots from the code repository: /);
  assert.ok(!r.error.includes('\n'));
});

test('snapshotDiff: a recorded sha that is not an object id is never passed to git; calls at once share the mirror', async () => {
  const d2 = join(dir, 'second');
  const { bare: bare2 } = codeRepoWithSnapshots(d2, [
    { id: A, files: { 'a.py': '1\n' } },
    { id: B, files: { 'a.py': '2\n' } },
  ]);
  const home2 = join(dir, 'home2');
  const out = join(dir, 'injected.txt');
  const s2 = { url: bare2, root: d2 };
  const [r1, r2] = await Promise.all([
    snapshotDiff(home2, s2, { id: A, snapshot: `--output=${out}` }, { id: B, snapshot: null }, []),
    snapshotDiff(home2, s2, { id: A, snapshot: null }, { id: B, snapshot: null }, []),
  ]);
  assert.ok(r1.ok && r2.ok);
  assert.equal(r1.value, r2.value);
  assert.match(r1.value, /^-1\n\+2$/m);
  assert.ok(!existsSync(out));
});
