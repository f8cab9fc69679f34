// `mymlops show` and `mymlops diff` as a user runs them (built CLI), on a real output repository
// and a real code repository holding the two commits' snapshots.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { CMP_A, CMP_B, type CompareFixture, compareFixture } from '../helpers/compare-fixture.js';

let dir: string;
let fx: CompareFixture;
let env: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mymlops-show-diff-'));
  fx = compareFixture(dir);
  env = { MYMLOPS_HOME: join(dir, 'home') };
});
after(() => {
  fx.repo.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('show prints one commit; --json has its fields', () => {
  const r = runCli(['show', CMP_B], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${CMP_B}  succeeded`));
  assert.match(r.stdout, /notes: +lr=0\.05 better features/);
  assert.match(r.stdout, /notebook: +nb\/train\.ipynb/);
  assert.match(r.stdout, new RegExp(`snapshot: +${fx.shas[CMP_B]}`));
  assert.match(r.stdout, /duration: +10m00s/);
  assert.match(r.stdout, /auc +0\.9/);
  assert.match(r.stdout, new RegExp(`log: +mymlops logs ${CMP_B}`));
  const j = runCli(['show', CMP_B, '--json'], { cwd: dir, env });
  assert.equal(j.code, 0, j.stderr);
  const d = JSON.parse(j.stdout);
  assert.equal(d.id, CMP_B);
  assert.equal(d.status, 'succeeded');
  assert.equal(d.snapshot, fx.shas[CMP_B]);
  assert.deepEqual(d.metrics, { auc: 0.9, val_loss: 0.4 });
  assert.equal(d.links.output_path, `${CMP_B}/train.ipynb`);
  assert.equal(d.metadata.zone, 'europe-west4-b');
  assert.deepEqual(d.artifacts, ['metrics.json']);
});

test('show of an unknown id is a user error', () => {
  const r = runCli(['show', '20200101_000000'], { cwd: dir, env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no commit 20200101_000000/);
  const bad = runCli(['show', 'nope'], { cwd: dir, env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nope is not a commit id/);
});

test('diff prints metric deltas, the notebook source diff and the code diff', () => {
  const r = runCli(['diff', CMP_A, CMP_B], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /auc +0\.8 +0\.9 \(\+0\.1\)\*/);
  assert.match(r.stdout, /val_loss +0\.5 +0\.4 \(−0\.1\)\* +↓/);
  assert.match(r.stdout, /## cell 1 → 1 \(code\)\n@@ -1,2 \+1,2 @@\n-lr = 0\.1\n\+lr = 0\.05\n epochs = 3/);
  assert.match(r.stdout, /## new cell 2 \(markdown\)\n@@ -0,0 \+1 @@\n\+Lower learning rate this time\./);
  // Outputs and execution counts differ too, but are not source changes.
  assert.doesNotMatch(r.stdout, /auc for lr/);
  assert.match(r.stdout, /diff --git a\/src\/model\.py b\/src\/model\.py/);
  assert.match(r.stdout, /^\+ {4}return 0\.9 {2}# better features$/m);
  assert.doesNotMatch(r.stdout, /diff --git a\/nb\/train\.ipynb/);
});

test('diff --json: metrics, notebook cells and code diff', () => {
  const r = runCli(['diff', CMP_A, CMP_B, '--json'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.deepEqual(
    d.commits.map((c: { id: string; snapshot: string; zone: string }) => [c.id, c.snapshot, c.zone]),
    [
      [CMP_A, fx.shas[CMP_A], 'us-central1-a'],
      [CMP_B, fx.shas[CMP_B], 'europe-west4-b'],
    ],
  );
  assert.equal(d.from, CMP_A);
  assert.equal(d.to, CMP_B);
  const auc = d.metrics.find((m: { name: string }) => m.name === 'auc');
  assert.deepEqual(auc.values, [0.8, 0.9]);
  assert.deepEqual(auc.best, [1]);
  assert.equal(auc.direction, 'higher');
  assert.ok(Math.abs(auc.deltas[1] - 0.1) < 1e-9);
  const loss = d.metrics.find((m: { name: string }) => m.name === 'val_loss');
  assert.deepEqual([loss.direction, loss.best], ['lower', [1]]);
  assert.deepEqual(
    d.notebook.cells.map((c: { kind: string; a: number | null; b: number | null }) => [c.kind, c.a, c.b]),
    [
      ['unchanged', 0, 0],
      ['modified', 1, 1],
      ['added', null, 2],
      ['unchanged', 2, 3],
    ],
  );
  assert.equal(d.code.ok, true);
  assert.match(d.code.diff, /^diff --git a\/src\/model\.py/);
  assert.doesNotMatch(d.code.diff, /train\.ipynb/);
});

test('diff with an unreadable code repository notes it in one line', () => {
  rmSync(fx.codeBare, { recursive: true, force: true });
  const r = runCli(['diff', CMP_A, CMP_B, '--json'], { cwd: dir, env: { MYMLOPS_HOME: join(dir, 'home2') } });
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  assert.equal(d.code.ok, false);
  assert.match(d.code.note, /^cannot read the snapshots from the code repository: /);
  assert.equal(d.notebook.modified, 1);
});
