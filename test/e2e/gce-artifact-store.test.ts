// commit.artifact_store gs://… on gce (simulator): the VM uploads an artifact over min_mb with its
// own service-account token from the metadata server to the simulator's Cloud Storage, the output
// folder gets stored-artifacts.json, the output repository behind a pre-receive hook refusing blobs
// over 1 MB accepts the push, and the dashboard downloads it with the user's token byte for byte;
// `gcloud storage ls` sees the same object.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { runAsync, runCliAsync } from '../helpers/cli.js';
import { startTestDashboard } from '../helpers/dashboard.js';
import { hasGcloud, type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import {
  bareRepo,
  commitFiles,
  FAKE_COMMAND,
  outputFile,
  outputFiles,
  outputFolders,
  userRepo,
} from '../helpers/git-repo.js';
import { guardedOutputRepo } from '../helpers/job-script.js';
import { waitFor } from '../helpers/wait.js';

const MB = 1024 * 1024;
const B = 'mymlops-sim-artifacts';
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-store-'));
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const model = randomBytes(3 * MB);
let s: SimEnv;

before(async () => {
  // The job is told the server's limit, so a file over it is kept at once (no refused push).
  s = await startSim(tmp, { vmEnv: { MYMLOPS_GIT_MAX_FILE_MB: '1', MYMLOPS_PUBLISH_RETRY: '1' } });
  bareRepo(origin);
  guardedOutputRepo(out, MB);
  userRepo(repo);
  commitFiles(repo, { 'notebooks/artifacts/model.bin': model }, 'model');
  writeFileSync(
    join(repo, 'mymlops.yml'),
    simConfigYaml({
      command: FAKE_COMMAND,
      origin,
      out,
      extra: `  artifact_store: {url: gs://${B}/runs, min_mb: 1}\n`,
    }),
  );
  writeFileSync(join(repo, 'nostore.yml'), simConfigYaml({ command: FAKE_COMMAND, origin, out }));
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('the VM stores the large artifact in the bucket; the dashboard reads it back verified', async () => {
  const env = { ...process.env, ...s.env, CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: s.sim.storageBase };
  const r = await runCliAsync(['commit', '-a', 'notebooks/quick.ipynb'], { cwd: repo, env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
  const name = `runs/${id}/artifacts/model.bin`;
  const stored = s.sim.storage.buckets.get(B)!.get(name);
  assert.ok(stored?.data.equals(model), 'the bucket holds the bytes');
  assert.ok(!outputFiles(out, id).includes(`${id}/artifacts/model.bin`));
  assert.deepEqual(JSON.parse(outputFile(out, `${id}/stored-artifacts.json`)), {
    version: 1,
    artifacts: [
      {
        name: 'artifacts/model.bin',
        size: model.length,
        sha256: createHash('sha256').update(model).digest('hex'),
        location: `gs://${B}/${name}`,
      },
    ],
  });
  if (hasGcloud) {
    const ls = await runAsync('gcloud', ['storage', 'ls', `gs://${B}/runs/${id}/artifacts/`], {
      env: { ...env, ...s.gcloudEnv },
      timeoutMs: 90_000,
    });
    assert.equal(ls.stdout.trim(), `gs://${B}/${name}`, ls.stderr);
  }

  // The dashboard reads the bucket with the user's token (the simulator's token file here).
  const saved = { ...process.env };
  Object.assign(process.env, {
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: s.sim.storageBase,
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: s.env.CLOUDSDK_AUTH_ACCESS_TOKEN_FILE,
  });
  const cfg = loadConfig({ file: join(repo, 'mymlops.yml'), cwd: repo, env: {} });
  const dash = await startTestDashboard(cfg, s.home, {
    overrides: { listMachines: async () => [] },
    reconcileMs: 3_600_000,
  });
  try {
    const url = new URL(`/api/commits/${id}/files/artifacts/model.bin`, dash.url);
    const got = await fetch(url);
    assert.equal(got.status, 200);
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(model), 'byte for byte');
    // Changed bytes in the bucket are refused, never served.
    const bad = Buffer.from(model);
    bad[99] = (bad[99]! + 1) % 256;
    stored!.data = bad;
    rmSync(join(s.home, 'cache', 'artifacts'), { recursive: true, force: true });
    const refused = await fetch(url);
    assert.equal(refused.status, 502);
    assert.match(((await refused.json()) as { error: string }).error, /does not match its manifest/);
  } finally {
    await dash.close();
    process.env = saved;
  }
});

test('without a store the result is kept on the stopped VM; publish with a store configured boots it and stores the file', async () => {
  const env = { ...process.env, ...s.env, CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: s.sim.storageBase };
  const r = await runCliAsync(
    ['--config', join(repo, 'nostore.yml'), 'commit', '-a', 'notebooks/quick.ipynb'],
    {
      cwd: repo,
      env,
    },
  );
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
  assert.match(
    r.stdout + r.stderr,
    /artifacts\/model\.bin is 3 MB; a git host accepts files up to 1 MB: set commit\.artifact_store/,
  );
  assert.ok(!outputFolders(out).includes(id));

  // The VM stops itself with the result on its disk.
  const name = `mymlops-${id.replace('_', '-')}`;
  await waitFor(
    () =>
      [...s.sim.compute.world.instances.values()].some((v) => v.name === name && v.status === 'TERMINATED'),
    { what: 'the VM to stop itself', timeoutMs: 60_000 },
  );
  // The store is in mymlops.yml, not in the config the commit was launched with.
  const p = await runCliAsync(['--config', join(repo, 'mymlops.yml'), 'publish', id], { cwd: repo, env });
  assert.equal(p.code, 0, p.stderr + p.stdout);
  await waitFor(() => outputFolders(out).includes(id), {
    what: 'the restarted VM to publish',
    timeoutMs: 60_000,
    detail: () =>
      [...s.sim.compute.world.instances.values()]
        .filter((v) => v.name === name)
        .map((v) => `${v.status}\n${v.serial.read(0).contents.slice(-3000)}`)
        .join('\n'),
  });
  assert.ok(outputFiles(out, id).includes(`${id}/stored-artifacts.json`));
  assert.ok(s.sim.storage.buckets.get(B)!.get(`runs/${id}/artifacts/model.bin`)?.data.equals(model));
});
