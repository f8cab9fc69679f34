import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { OutputRepoIndex } from '../../src/adapters/output-repo/index.js';
import { MIRROR_REF } from '../../src/adapters/output-repo/mirror.js';
import { setVerbose } from '../../src/util/log.js';
import { mergeStatus } from '../../src/core/status/merge.js';
import type { OutputRecord } from '../../src/core/status/types.js';
import { knownCommitIds } from '../../src/adapters/store/known-ids.js';
import { projectKeyOf } from '../../src/core/project-scope.js';
import { gitSync, progressNotebook, processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups) c();
});
/** What completion reads for this index's project. */
const scopeOf = (index: OutputRepoIndex) => ({
  project: projectKeyOf(index.spec),
  idsFile: join(index.mirror.cacheDir, 'commit-ids'),
});

/** The status rows of output records alone: no machine listed, no launch record. */
const rowsOf = (records: OutputRecord[]) =>
  mergeStatus({ records, machines: [], launches: [], backend: 'local', now: new Date() });

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
  const rows = rowsOf(snap.records);
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
  const rows = rowsOf(snap.records);
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

/** Objects of the mirror's branch that git itself reports missing (a partial clone's absent blobs). */
function missingObjects(gitDir: string): Set<string> {
  const out = gitSync(gitDir, ['rev-list', '--objects', '--missing=print', MIRROR_REF]);
  return new Set(
    out
      .split('\n')
      .filter((l) => l.startsWith('?'))
      .map((l) => l.slice(1)),
  );
}

function bigNotebook(seed: number): object {
  return progressNotebook(3, 3, randomBytes(150_000 + seed).toString('base64'));
}

test('partial mirror: status fetches metadata only; a notebook is fetched when opened, then kept', async () => {
  const { repo, index } = setup('main');
  const ids = ['20250301_100000', '20250301_110000', '20250301_120000'];
  repo.write(
    Object.fromEntries(
      ids.flatMap((id, i) => [
        [`${id}/run.ipynb`, bigNotebook(i)],
        [`${id}/metadata.json`, processingMetadata('run.ipynb', 3, 3, { status: 'succeeded' })],
        [`${id}/job.log`, `log ${i}\n`],
      ]),
    ),
  );
  const blob = (path: string) => gitSync(repo.work, ['rev-parse', `HEAD:${path}`]).trim();
  const snap = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.deepEqual(
    snap.records.map((r) => r.metadata?.status),
    ['succeeded', 'succeeded', 'succeeded'],
  );
  const notebooks = ids.map((id) => blob(`${id}/run.ipynb`));
  const logs = ids.map((id) => blob(`${id}/job.log`));
  assert.deepEqual(missingObjects(index.mirror.gitDir), new Set([...notebooks, ...logs]));
  const nb = await index.readFile(ids[1]!, 'run.ipynb');
  assert.equal(nb?.toString(), gitSync(repo.work, ['show', `HEAD:${ids[1]}/run.ipynb`]));
  // That notebook alone was fetched, and it stays.
  assert.deepEqual(missingObjects(index.mirror.gitDir), new Set([notebooks[0], notebooks[2], ...logs]));
  assert.deepEqual(await index.mirror.missing(notebooks), [notebooks[0], notebooks[2]]);
  assert.equal((await index.readFile(ids[1]!, 'job.log'))?.toString(), 'log 1\n');
});

test('a server that refuses filters gets the whole tree, said once in --verbose', async () => {
  const repo = new TestOutputRepo('master', { filter: false });
  const home = mkdtempSync(join(tmpdir(), 'mymlops-home-'));
  cleanups.push(
    () => repo.cleanup(),
    () => rmSync(home, { recursive: true, force: true }),
  );
  repo.addFixture('output-mymlops');
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => {
    said.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  setVerbose(true);
  try {
    const index = new OutputRepoIndex(home, { url: repo.bare, branch: 'master' });
    const snap = await index.refresh({ fetchMinIntervalMs: 0 });
    assert.equal(snap.records.length, 3);
    assert.deepEqual(missingObjects(index.mirror.gitDir), new Set());
    repo.write({ '20250101_130000/metadata.json': { notebook: 'x.ipynb' }, '20250101_130000/x.ipynb': 'x' });
    assert.equal((await index.refresh({ fetchMinIntervalMs: 0 })).records.length, 4);
  } finally {
    setVerbose(false);
    process.stderr.write = write;
  }
  assert.equal(said.filter((l) => /does not filter fetches/.test(l)).length, 1);
});

/** What job.sh's push_progress does: a parentless commit of `<id>/`, metadata.json in its message. */
function pushProgress(repo: TestOutputRepo, id: string, files: Record<string, string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'mymlops-progress-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, id));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, id, name), text);
  const env = { ...process.env, GIT_INDEX_FILE: join(dir, '.index') };
  const g = (...args: string[]) =>
    execFileSync('git', ['--git-dir', join(repo.work, '.git'), '--work-tree', dir, ...args], {
      env,
      encoding: 'utf8',
    }).trim();
  g('add', '-A', '--', id);
  const tree = g('write-tree');
  const commit = g('commit-tree', tree, '-m', `progress ${id}: 1/5 cells\n\n${files['metadata.json']}`);
  g('push', '-q', '-f', 'origin', `${commit}:refs/mymlops/progress/${id}`);
}

test('progress refs: listed with the branch, laid over it, the notebook readable, gone with the ref', async () => {
  const { repo, index } = setup('main');
  repo.addFixture('output-mymlops');
  await index.refresh({ fetchMinIntervalMs: 0 });
  const id = '20250105_090000';
  const nb = JSON.stringify(progressNotebook(1, 5));
  pushProgress(repo, id, {
    'run.ipynb': nb,
    'metadata.json': JSON.stringify(processingMetadata('run.ipynb', 1, 5)),
    'job.log': 'running\n',
  });
  const running = await index.refresh({ fetchMinIntervalMs: 0 });
  const rec = running.records.find((r) => r.id === id);
  assert.equal(rec?.metadata?.status, 'processing');
  assert.deepEqual(rec?.metadata?.progress, { cells_done: 1, cells_total: 5 });
  assert.equal(rec?.notebook, 'run.ipynb');
  assert.ok(rec?.hasLog);
  assert.equal(running.records.length, 4);
  // Nothing moved: the same records, nothing read.
  const again = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(again.records, running.records);
  // The viewer opens the running notebook from the ref (fetched on demand).
  assert.equal((await index.readFile(id, 'run.ipynb'))?.toString(), nb);
  // The result lands on the branch and the job removes the ref.
  repo.write({
    [`${id}/run.ipynb`]: progressNotebook(5, 5),
    [`${id}/metadata.json`]: processingMetadata('run.ipynb', 5, 5, { status: 'succeeded' }),
  });
  gitSync(repo.work, ['push', '-q', 'origin', `:refs/mymlops/progress/${id}`]);
  const done = await index.refresh({ fetchMinIntervalMs: 0 });
  assert.equal(done.records.find((r) => r.id === id)?.metadata?.status, 'succeeded');
  assert.deepEqual([...index.mirror.progressRefs().keys()], []);
});
