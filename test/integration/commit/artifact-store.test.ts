// commit.artifact_store on the local backend: an artifact over min_mb goes to the store folder under
// <id>/artifacts/…, the output folder gets stored-artifacts.json instead of the file, and the output
// repository behind a pre-receive hook refusing blobs over 1 MB (GitHub's check, smaller) accepts
// the push. The dashboard's download route serves the stored bytes byte for byte and refuses bytes
// that no longer match the manifest's sha256. Without a store the same commit is kept unpublished
// with one line naming the setting, and publish mode pushes it once a store is given.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { startTestDashboard } from '../../helpers/dashboard.js';
import { git, outputFiles } from '../../helpers/git-repo.js';
import {
  guardedOutputRepo,
  type JobSource,
  jobFolder,
  jobSource,
  runJobScript,
} from '../../helpers/job-script.js';

const MB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-store-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const model = randomBytes(3 * MB);
const sha256 = createHash('sha256').update(model).digest('hex');
let source: JobSource;

before(() => {
  source = jobSource(
    tmp,
    { 'notebooks/artifacts/model.bin': model, 'notebooks/artifacts/small.txt': 'ok\n' },
    'model',
  );
});

/** An output repository whose pre-receive hook refuses blobs over 1 MB. */
const guardedOutput = (name: string) => guardedOutputRepo(join(tmp, name), MB);

const jobDir = (name: string, id: string, out: string, store: { url: string; min_mb: number } | null) =>
  jobFolder(join(tmp, name), id, source, out, { artifacts: true, artifact_store: store });

const runJob = (J: string, more: Record<string, string> = {}) =>
  runJobScript(J, { MYMLOPS_GIT_MAX_FILE_MB: '1', MYMLOPS_PUBLISH_RETRY: '1', ...more });

test('a large artifact lands in the store with a manifest; the guarded output repository accepts the push; the dashboard serves it verified', async () => {
  const id = '20240101_000000';
  const out = guardedOutput('out.git');
  const storeDir = join(tmp, 'store');
  const store = pathToFileURL(storeDir).href;
  const run = runJob(jobDir('job', id, out, { url: store, min_mb: 1 }));
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.deepEqual(outputFiles(out, id).sort(), [
    `${id}/artifacts/small.txt`,
    `${id}/job.log`,
    `${id}/metadata.json`,
    `${id}/quick.ipynb`,
    `${id}/stored-artifacts.json`,
  ]);
  const stored = join(storeDir, id, 'artifacts', 'model.bin');
  assert.ok(readFileSync(stored).equals(model), 'the store holds the bytes');
  const manifest = JSON.parse(git(out, 'show', `master:${id}/stored-artifacts.json`)) as unknown;
  assert.deepEqual(manifest, {
    version: 1,
    artifacts: [
      {
        name: 'artifacts/model.bin',
        size: model.length,
        sha256,
        location: `${store}/${id}/artifacts/model.bin`,
      },
    ],
  });

  // The dashboard, configured as a user would, downloads it byte for byte.
  const dir = join(tmp, 'project');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local
commit:
  command: python run.py
  repository: {url: ${JSON.stringify(source.remote)}}
  output_repository: {url: ${JSON.stringify(out)}}
  artifact_store: ${JSON.stringify(storeDir)}
`,
  );
  const cfg = loadConfig({ file: join(dir, 'mymlops.yml'), cwd: dir, env: {} });
  assert.deepEqual(cfg.commit?.artifact_store, { url: store, min_mb: 45 });
  const home = join(dir, 'home');
  const dash = await startTestDashboard(cfg, home, {
    overrides: { listMachines: async () => [] },
    reconcileMs: 3_600_000,
  });
  try {
    const status = (await (await fetch(new URL('/api/status', dash.url))).json()) as {
      commits: { id: string; artifact_files: string[] }[];
    };
    assert.deepEqual(status.commits.find((c) => c.id === id)?.artifact_files.sort(), [
      'model.bin',
      'small.txt',
    ]);
    const url = new URL(`/api/commits/${id}/files/artifacts/model.bin`, dash.url);
    const r = await fetch(url);
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(model), 'byte for byte');

    // Bytes that no longer match the manifest are refused, never served (the verified cache cleared).
    const bad = Buffer.from(model);
    bad[12345] = (bad[12345]! + 1) % 256;
    writeFileSync(stored, bad);
    rmSync(join(home, 'cache', 'artifacts'), { recursive: true, force: true });
    const refused = await fetch(url);
    assert.equal(refused.status, 502);
    const body = (await refused.json()) as { error: string };
    assert.match(body.error, /artifacts\/model\.bin in the artifact store .* does not match its manifest/);
  } finally {
    await dash.close();
  }
});

test('without a store the commit is kept with one line naming the setting; publish mode pushes it once a store is given', () => {
  const id = '20240102_000000';
  const out = guardedOutput('out2.git');
  const J = jobDir('job2', id, out, null);
  const run = runJob(J);
  assert.equal(run.status, 4, run.stdout + run.stderr);
  const line = `artifacts/model.bin is 3 MB; a git host accepts files up to 1 MB: set commit.artifact_store or leave it out of artifacts/`;
  assert.ok(run.stdout.includes(`mymlops: could not publish: ${line}\n`), run.stdout);
  const result = JSON.parse(readFileSync(join(J, 'result.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(result['published'], false);
  assert.equal(result['final_status'], 'succeeded');
  assert.ok(existsSync(join(J, 'unpublished', id, 'artifacts', 'model.bin')), 'the result is kept whole');

  const storeDir = join(tmp, 'store2');
  const store = pathToFileURL(storeDir).href;
  const published = runJob(J, {
    MYMLOPS_JOB_MODE: 'publish',
    MYMLOPS_ARTIFACT_STORE: store,
    MYMLOPS_ARTIFACT_STORE_MIN_MB: '1',
  });
  assert.equal(published.status, 0, published.stdout + published.stderr);
  assert.ok(readFileSync(join(storeDir, id, 'artifacts', 'model.bin')).equals(model));
  assert.ok(outputFiles(out, id).includes(`${id}/stored-artifacts.json`));
  assert.ok(!outputFiles(out, id).includes(`${id}/artifacts/model.bin`));
  const after = JSON.parse(readFileSync(join(J, 'result.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(after['published'], true);
  assert.equal(after['status'], 'succeeded');
});
