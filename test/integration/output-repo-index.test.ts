import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OutputRepoIndex } from '../../src/adapters/output-repo/index.js';
import { mergeStatus } from '../../src/core/status/merge.js';
import { knownCommitIds } from '../../src/core/known-ids.js';
import { projectKeyOf } from '../../src/core/project-scope.js';
import { progressNotebook, processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) c();
});
/** What completion reads for this index's project. */
const scopeOf = (index: OutputRepoIndex) => ({
  project: projectKeyOf(index.spec),
  idsFile: join(index.mirror.cacheDir, 'commit-ids'),
});

function setup(branch = 'master') {
  const repo = new TestOutputRepo(branch);
  const home = mkdtempSync(join(tmpdir(), 'mymlops-home-'));
  cleanups.push(
    () => repo.cleanup(),
    () => rmSync(home, { recursive: true, force: true }),
  );
  return { repo, home, index: new OutputRepoIndex(home, { url: repo.bare, branch }) };
}

test('original-layout repository: statuses derived from notebooks, metrics and artifacts read', async () => {
  const { repo, home, index } = setup();
  repo.addFixture('output-original');
  const snap = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(snap.fetch?.state, 'fetched');
  assert.equal(snap.changed, 3);
  const rows = mergeStatus({
    records: snap.records,
    machines: [],
    launches: [],
    backend: 'local',
    now: new Date(),
  });
  assert.deepEqual(
    rows.map((r) => [r.id, r.status, r.format]),
    [
      ['20241109_120000', 'succeeded', 'original'],
      ['20241108_101500', 'failed', 'original'],
      ['20241107_035340', 'succeeded', 'original'],
    ],
  );
  const failed = rows[1]!;
  assert.deepEqual(failed.error, { cell: 1, ename: 'ZeroDivisionError', evalue: 'division by zero' });
  assert.equal(failed.accelerator, 'nvidia-tesla-t4');
  assert.equal(failed.timestamp, '2024-11-08T10:15:00.000Z');
  const withArtifacts = rows[0]!;
  assert.deepEqual(withArtifacts.metrics, { auc: 0.93, logloss: 0.21 });
  assert.deepEqual(withArtifacts.artifact_files.sort(), ['metrics.json', 'models/model.txt']);
  assert.equal(withArtifacts.output_path, '20241109_120000/train.ipynb');
  // Completion ids are written for the shell.
  assert.deepEqual(knownCommitIds(home, scopeOf(index)), [
    '20241109_120000',
    '20241108_101500',
    '20241107_035340',
  ]);
  const nb = await index.readFile('20241107_035340', 'exp001.ipynb');
  assert.ok(nb && JSON.parse(nb.toString()).cells.length === 3);
  assert.equal(await index.readFile('20241107_035340', '../x'), null);
  assert.equal(await index.readFile('20241107_035340', 'nope.ipynb'), null);
});

test('incremental refresh re-reads only folders whose tree changed; cache survives a new process', async () => {
  const { repo, home, index } = setup('main');
  repo.addFixture('output-mymlops');
  const first = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(first.changed, 3);
  // Nothing new: no folder read.
  assert.equal((await index.refresh({ fetchMinIntervalMs: 0 })).changed, 0);
  // A progress push, then its final push replacing it.
  const id = '20250102_080000';
  repo.write({
    [`${id}/run.ipynb`]: progressNotebook(2, 5),
    [`${id}/metadata.json`]: processingMetadata('run.ipynb', 2, 5),
  });
  const progress = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(progress.changed, 1);
  const rec = progress.records.find((r) => r.id === id)!;
  assert.equal(rec.metadata?.status, 'processing');
  assert.deepEqual(rec.metadata?.progress, { cells_done: 2, cells_total: 5 });
  repo.write({ [`${id}/metadata.json`]: processingMetadata('run.ipynb', 5, 5, { status: 'succeeded' }) });
  const final = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(final.changed, 1);
  assert.equal(final.records.find((r) => r.id === id)!.metadata?.status, 'succeeded');
  // A second index over the same cache (as a new `mymlops status` process) reads nothing.
  const again = new OutputRepoIndex(home, { url: repo.bare, branch: 'main' });
  const warm = await again.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(warm.changed, 0);
  assert.equal(warm.records.length, 4);
  // A removed folder disappears.
  repo.remove('20250101_120000');
  const removed = await again.refresh({ fetchMinIntervalMs: 0 });
  assert.deepEqual(removed.records.map((r) => r.id).sort(), ['20250101_090000', '20250101_110000', id]);
  assert.ok(JSON.parse(readFileSync(join(again.mirror.cacheDir, 'index.json'), 'utf8')).records.length === 3);
});

test('fetch is throttled across callers and concurrent refreshes share one run', async () => {
  const { repo, index } = setup();
  repo.addFixture('output-original');
  const [a, b] = await Promise.all([
    index.refresh({ fetchMinIntervalMs: 5000 }),
    index.refresh({ fetchMinIntervalMs: 5000 }),
  ]);
  assert.equal(a, b);
  assert.equal(a.fetch?.state, 'fetched');
  repo.write({
    '20241201_000000/metadata.json': { notebook: 'x.ipynb' },
    '20241201_000000/x.ipynb': progressNotebook(1, 1),
  });
  const throttled = await index.refresh({ fetchMinIntervalMs: 5000 });
  assert.equal(throttled.fetch?.state, 'throttled');
  assert.equal(throttled.records.length, 3, 'a throttled refresh serves the last fetched data');
  const forced = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(forced.records.length, 4);
});

test('empty and unreachable output repositories', async () => {
  const { index, home } = setup();
  const empty = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(empty.fetch?.state, 'empty');
  assert.deepEqual(empty.records, []);
  const bad = new OutputRepoIndex(home, { url: join(home, 'does-not-exist.git'), branch: 'master' });
  const r = await bad.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(r.fetch?.state, 'failed');
  assert.match(
    r.fetch?.state === 'failed' ? r.fetch.message : '',
    /does not appear to be a git repository|not found|No such/i,
  );
});

test('a damaged cache is rebuilt instead of breaking status', async () => {
  const { repo, index, home } = setup();
  repo.addFixture('output-original');
  await index.refresh({ fetchMinIntervalMs: 0 });
  // Objects gone (a disk clean-up, a crash mid-gc) while refs and the index survive.
  rmSync(join(index.mirror.gitDir, 'objects'), { recursive: true, force: true });
  mkdirSync(join(index.mirror.gitDir, 'objects'));
  repo.write({
    '20241201_000000/metadata.json': { notebook: 'x.ipynb' },
    '20241201_000000/x.ipynb': progressNotebook(1, 1),
  });
  const fresh = new OutputRepoIndex(home, { url: repo.bare, branch: 'master' });
  const r = await fresh.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(r.records.length, 4);
  assert.ok(await fresh.readFile('20241201_000000', 'x.ipynb'));
});

test("the original's rules: a folder without a notebook is not a result; the notebook is the file in the folder", async () => {
  const { repo, home, index } = setup();
  repo.addFixture('output-original');
  repo.addFixture('output-original-odd');
  const snap = await index.refresh({ fetchMinIntervalMs: 0 });
  const ids = snap.records.map((r) => r.id).sort();
  assert.ok(!ids.includes('20241110_080000'), 'metadata.json alone is skipped');
  assert.equal(ids.length, 4);
  const rows = mergeStatus({
    records: snap.records,
    machines: [],
    launches: [],
    backend: 'local',
    now: new Date(),
  });
  const renamed = rows.find((r) => r.id === '20241111_090000')!;
  assert.equal(renamed.notebook, 'exp004-final.ipynb', 'not the name metadata.json gives');
  assert.equal(renamed.output_path, '20241111_090000/exp004-final.ipynb');
  assert.equal(renamed.status, 'failed', 'read from the renamed file: it has an error output');
  assert.ok(await index.readFile(renamed.id, renamed.notebook!), 'the viewer finds it');
  assert.ok(!knownCommitIds(home, scopeOf(index)).includes('20241110_080000'), 'not offered on Tab');
  // Nothing re-read while the head stands still, the skipped folder included.
  assert.equal((await index.refresh({ fetchMinIntervalMs: 0 })).changed, 0);
  // Once its notebook lands it is a result.
  repo.write({ '20241110_080000/exp003.ipynb': progressNotebook(3, 3) });
  const later = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(later.changed, 1);
  assert.equal(later.records.find((r) => r.id === '20241110_080000')?.notebook, 'exp003.ipynb');
  assert.deepEqual(later.vanished, []);
});
