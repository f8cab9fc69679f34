// `mymlops commit` killed with SIGKILL after its launch record is written and before its job starts
// (built CLI): the README's rule holds — `provisioning` during the 60 s grace, then `lost` (no
// machine, no result). On gce (simulator) the kill lands while the zones are chosen, and gcloud
// confirms that no VM exists; on local, the record without a started job is what the kill leaves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, ensureBuilt, runAsync, runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { commitRepos, FAKE_COMMAND } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-lost-'));
const { origin, out, repo } = commitRepos(tmp);
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  writeFileSync(join(repo, 'mymlops.yml'), simConfigYaml({ command: FAKE_COMMAND, origin, out }));
  writeFileSync(
    join(repo, 'local.yml'),
    `backend: local\ncommit:\n  command: ${JSON.stringify(FAKE_COMMAND)}\n  repository: {url: ${JSON.stringify(origin)}}\n  output_repository: {url: ${JSON.stringify(out)}}\n`,
  );
});
after(async () => {
  await s?.release();
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => ({ ...process.env, ...s.gcloudEnv });
const cli = (args: string[]) => runCliAsync(args, { cwd: repo, env: env() });
const rowOf = async (id: string, config = 'mymlops.yml') => {
  const st = await cli(['--config', config, 'status', '--json']);
  assert.equal(st.code, 0, st.stderr);
  return (
    JSON.parse(st.stdout) as { commits: { id: string; status: string; reason: string | null }[] }
  ).commits.find((c) => c.id === id);
};

describe('a commit killed between its launch record and the insert (gce simulator)', () => {
  it('is provisioning during the 60 s grace, then lost; no VM exists', async () => {
    // Zone choice waits: the record is written, no insert has been sent.
    await s.hold('/aggregated/machineTypes', 'before', 'GET');
    ensureBuilt();
    const child = spawn(process.execPath, [BIN, 'commit', 'notebooks/quick.ipynb', '--detach'], {
      cwd: repo,
      env: env(),
      stdio: 'ignore',
    });
    const closed = new Promise((r) => child.on('close', r));
    const jobs = join(s.home, 'jobs');
    const launchFile = await waitFor(
      () => {
        if (!existsSync(jobs)) return undefined;
        const id = readdirSync(jobs).sort().pop();
        return id && existsSync(join(jobs, id, 'launch.json')) ? join(jobs, id, 'launch.json') : undefined;
      },
      { what: 'the launch record' },
    );
    await waitFor(() => s.held() > 0, { what: 'the zone choice to wait' });
    child.kill('SIGKILL');
    await closed;
    await s.release();
    const rec = JSON.parse(readFileSync(launchFile, 'utf8')) as Record<string, unknown>;
    assert.equal(rec['state'], 'launching');
    assert.equal(rec['request_id'], null, 'no insert was sent');
    const id = String(rec['commit']);

    assert.deepEqual(
      { status: (await rowOf(id))?.status },
      { status: 'provisioning' },
      'within the grace it may still be starting',
    );
    // The grace over (the record says when the launch began): lost, with no machine.
    writeFileSync(
      launchFile,
      JSON.stringify({ ...rec, created_at: new Date(Date.now() - 61_000).toISOString() }),
    );
    const row = await rowOf(id);
    assert.deepEqual(
      { status: row?.status, reason: row?.reason },
      { status: 'lost', reason: 'no machine and no result' },
    );
    const gl = await runAsync('gcloud', ['compute', 'instances', 'list', '--format=json'], {
      env: env(),
      timeoutMs: 60_000,
    });
    assert.equal(gl.code, 0, gl.stderr);
    assert.deepEqual(JSON.parse(gl.stdout), []);
  });
});

describe('a local commit killed between its launch record and the job start', () => {
  it('is provisioning during the 60 s grace, then lost — not "stopped (killed)"', async () => {
    // A real commit leaves a record; its twin below is the record as a kill before the job's start
    // leaves it (launching, no pid, no result).
    const done = await cli(['--config', 'local.yml', 'commit', 'notebooks/quick.ipynb']);
    assert.equal(done.code, 0, done.stderr);
    const real = /commit (\d{8}_\d{6})/.exec(done.stderr)![1]!;
    const jobs = join(s.home, 'jobs');
    const rec = JSON.parse(readFileSync(join(jobs, real, 'launch.json'), 'utf8')) as Record<string, unknown>;
    const id = '20200101_000001';
    mkdirSync(join(jobs, id));
    const write = (createdAt: Date) =>
      writeFileSync(
        join(jobs, id, 'launch.json'),
        JSON.stringify({
          ...rec,
          commit: id,
          machine: `local-${id}`,
          state: 'launching',
          created_at: createdAt.toISOString(),
        }),
      );
    write(new Date());
    assert.equal((await rowOf(id, 'local.yml'))?.status, 'provisioning');
    write(new Date(Date.now() - 61_000));
    const row = await rowOf(id, 'local.yml');
    assert.deepEqual(
      { status: row?.status, reason: row?.reason },
      { status: 'lost', reason: 'no machine and no result' },
    );
    // The commit that ran is untouched by the rule.
    assert.equal((await rowOf(real, 'local.yml'))?.status, 'succeeded');
  });
});
