// The local backend under load and in trouble: 20 concurrent commits into one output repository,
// kill -9, cancel, max_duration, a runner that does not write the notebook, and an
// unreachable output repository. Uses the kernel-less fake runner so the suite stays fast.
import assert from 'node:assert/strict';
import type { LaunchRecord } from '../../../src/core/ports/launch-record.js';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalBackend } from '../../../src/adapters/backends/local/local.js';
import { readResult } from '../../../src/adapters/store/jobs.js';
import { commitDeps as appCommitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { loadConfigFile } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { startCommit, type CommitOptions } from '../../../src/core/commit/commit.js';
import { UserError } from '../../../src/errors.js';
import {
  bareRepo,
  FAKE_COMMAND,
  git,
  outputFile,
  outputFolders,
  snapshotRefs,
  sleepingSteps,
  userRepo,
  writeConfig,
  type LocalConfig,
} from '../../helpers/git-repo.js';
import { commitJobPid, killCommitJobs } from '../../helpers/local-commit.js';
import { machineOfCommit } from '../../helpers/machines.js';
import { waitFor } from '../../helpers/wait.js';

// The job's retry window for a failed push (job.sh's publish_retry), short here; jobs inherit it.
process.env['MYMLOPS_PUBLISH_RETRY'] = '3';
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-int-local-'));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const backend = new LocalBackend(home);
const started: string[] = [];
const commitDeps = (config: Config, h: string) => appCommitDeps(appContext(config, { home: h }));

after(async () => {
  // Never leave a job running: kill whatever a failed test left behind.
  killCommitJobs(home, started);
  rmSync(tmp, { recursive: true, force: true });
});

before(() => {
  bareRepo(origin);
  userRepo(repo);
  writeFileSync(join(repo, 'notebooks', 'steps.ipynb'), sleepingSteps(1));
});

function configFor(name: string, c: Partial<LocalConfig> = {}) {
  const dir = join(tmp, 'configs', name);
  const out = c.output ?? bareRepo(join(tmp, `${name}.git`));
  git(tmp, 'init', '-q', dir);
  const file = writeConfig(dir, { command: FAKE_COMMAND, repository: origin, output: out, ...c });
  return { config: loadConfigFile(file), out };
}

async function launch(
  name: string,
  notebook: string,
  c: Partial<LocalConfig> = {},
  o: Partial<CommitOptions> = {},
) {
  const { config, out } = configFor(name, c);
  const deps = { ...commitDeps(config, home), cwd: repo };
  const s = await startCommit(
    config,
    {
      path: notebook,
      notes: `${name} test`,
      artifacts: false,
      keepMachine: false,
      instance: null,
      sshOptions: [],
      ...o,
    },
    deps,
  );
  started.push(s.commitId);
  return { ...s, out };
}

// The result counts once the job has printed its last line (result.json is written just before).
const result = (id: string) =>
  waitFor(() => /job finished status=\w+\n$/.test(logOf(id)) && readResult(id, home), {
    what: `result of ${id}`,
    timeoutMs: 90_000,
  });
const logOf = (id: string) => readFileSync(join(home, 'jobs', id, 'job.log'), 'utf8');

describe('local backend jobs', () => {
  it('20 commits started at once into one output repository: 20 folders, none lost', async () => {
    const { config, out } = configFor('concurrent');
    const deps = { ...commitDeps(config, home), cwd: repo };
    const opts = {
      path: 'notebooks/quick.ipynb',
      artifacts: false,
      keepMachine: false,
      instance: null,
      sshOptions: [],
    };
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => startCommit(config, { ...opts, notes: `run ${i}` }, deps)),
    );
    for (const s of all) started.push(s.commitId);
    const ids = all.map((s) => s.commitId);
    assert.equal(new Set(ids).size, 20, 'ids are unique');
    for (const id of ids) assert.match(id, /^\d{8}_\d{6}$/);
    const results = await Promise.all(ids.map(result));
    for (const [i, r] of results.entries())
      assert.equal(r.status, 'succeeded', `${ids[i]}: ${r.message}\n${logOf(ids[i]!)}`);
    assert.deepEqual(outputFolders(out).sort(), [...ids].sort());
    const notes = all.map((_, i) => `run ${i}`);
    const seen = ids.map(
      (id) => (JSON.parse(outputFile(out, `${id}/metadata.json`)) as { notes: string }).notes,
    );
    assert.deepEqual(seen.sort(), notes.sort());
    // linear history, nothing forced: 20 commits on the branch
    assert.equal(git(out, 'rev-list', '--count', 'master'), '20');
  });

  it('kill -9 of a running job is reported stopped (killed)', async () => {
    const s = await launch('killed', 'notebooks/slow.ipynb');
    await waitFor(() => logOf(s.commitId).includes('mymlops: running:'), {
      what: 'the command to start',
      timeoutMs: 90_000,
    });
    const pid = commitJobPid(home, s.commitId);
    assert.equal(machineOfCommit(await backend.list(), s.commitId)?.state, 'running');
    process.kill(-pid, 'SIGKILL');
    const machine = await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return null;
        } catch {
          return true;
        }
      },
      { what: 'the machine to stop', timeoutMs: 90_000 },
    ).then(async () => machineOfCommit(await backend.list(), s.commitId));
    assert.equal(machine?.state, 'stopped');
    assert.equal(machine?.reason, 'killed');
    assert.equal(readResult(s.commitId, home), null);
    assert.deepEqual(outputFolders(s.out), []);
    const chunk = await backend.readLog(s.machine.name, 0);
    assert.equal(chunk.done, true);
  });

  it('cancel stops the job and publishes status cancelled', async () => {
    const s = await launch('cancel', 'notebooks/slow.ipynb');
    await waitFor(() => logOf(s.commitId).includes('mymlops: running:'), {
      what: 'the command to start',
      timeoutMs: 90_000,
    });
    await backend.cancel(s.machine.name);
    const r = await result(s.commitId);
    assert.equal(r.status, 'cancelled');
    const meta = JSON.parse(outputFile(s.out, `${s.commitId}/metadata.json`)) as {
      status: string;
      message: string;
    };
    assert.equal(meta.status, 'cancelled');
    const m = machineOfCommit(await backend.list(), s.commitId);
    assert.equal(m?.reason, 'cancelled');
    assert.match(logOf(s.commitId), /job finished status=cancelled\n$/);
    assert.ok(existsSync(join(home, 'jobs', s.commitId, 'cancel-requested')), 'the marker told the job');
  });

  it('a SIGTERM that is no cancel (the machine going down) is reported stopped (stopped)', async () => {
    const s = await launch('shutdown', 'notebooks/slow.ipynb');
    await waitFor(() => logOf(s.commitId).includes('mymlops: running:'), { what: 'the command to start' });
    process.kill(-commitJobPid(home, s.commitId), 'SIGTERM');
    const r = await result(s.commitId);
    assert.equal(r.status, 'stopped');
    assert.equal(r.reason, 'stopped');
    await waitFor(() => !backend.isRunning(s.commitId), { what: 'the job to exit' });
    const m = machineOfCommit(await backend.list(), s.commitId);
    assert.equal(m?.state, 'stopped');
    assert.equal(m?.reason, 'stopped');
    assert.equal(JSON.parse(outputFile(s.out, `${s.commitId}/metadata.json`)).status, 'processing');
  });

  it('max_duration stops the command and the commit fails saying so', async () => {
    const s = await launch('maxdur', 'notebooks/slow.ipynb', { maxDuration: 2 });
    const r = await result(s.commitId);
    assert.equal(r.status, 'failed');
    assert.match(String(r.message), /max_duration \(2s\)/);
    assert.equal(JSON.parse(outputFile(s.out, `${s.commitId}/metadata.json`)).status, 'failed');
  });

  it('a runner that exits 0 without writing the notebook makes the commit fail with the fix', async () => {
    const s = await launch('notexec', 'notebooks/quick.ipynb', { command: 'true' });
    const r = await result(s.commitId);
    assert.equal(r.status, 'failed');
    assert.match(String(r.message), /exited 0 but the notebook notebooks\/quick\.ipynb was not executed/);
    assert.match(String(r.message), /mount the repository folder/);
    const meta = JSON.parse(outputFile(s.out, `${s.commitId}/metadata.json`)) as {
      status: string;
      exit_code: number;
    };
    assert.equal(meta.status, 'failed');
    assert.equal(meta.exit_code, 0);
  });

  it('an unreachable output repository keeps the result; publish() lands it once the repository is back', async () => {
    const output = join(tmp, 'no-such-output.git');
    const s = await launch('unreachable', 'notebooks/quick.ipynb', { output });
    const r = await result(s.commitId);
    assert.equal(r.status, 'failed');
    assert.equal(r.published, false);
    assert.equal(r.final_status, 'succeeded');
    assert.match(
      String(r.publish_error),
      /output repository .*no-such-output\.git unreachable: fatal: .*does not appear to be a git repository/,
    );
    assert.match(logOf(s.commitId), /job finished status=failed/);
    await waitFor(() => !backend.isRunning(s.commitId), { what: 'the job to exit' });
    const m = machineOfCommit(await backend.list(), s.commitId);
    assert.equal(m?.ended?.published, false);
    assert.match(String(m?.ended?.publishError), /unreachable/);
    assert.ok(existsSync(join(home, 'jobs', s.commitId, 'unpublished', s.commitId, 'quick.ipynb')));

    bareRepo(output);
    const p = await backend.publish(s.machine.name);
    assert.equal(p.code, 'published', String(p.message));
    assert.equal(p.status, 'succeeded');
    assert.deepEqual(outputFolders(output), [s.commitId]);
    assert.equal(JSON.parse(outputFile(output, `${s.commitId}/metadata.json`)).status, 'succeeded');
    const head = git(output, 'rev-parse', 'master');
    assert.equal((await backend.publish(s.machine.name)).code, 'published');
    assert.equal(git(output, 'rev-parse', 'master'), head, 'publishing twice changes nothing');
    assert.equal(machineOfCommit(await backend.list(), s.commitId)?.ended?.published, true);
  });

  it('a launch record that cannot be written after the launch keeps the job, its folder and its ref', async () => {
    const { config, out } = configFor('record-fails');
    let id = '';
    const real = commitDeps(config, home);
    const deps = {
      ...real,
      cwd: repo,
      reserveCommitId: (now: Date) => {
        id = real.reserveCommitId(now);
        started.push(id);
        return id;
      },
      // The `launching` record goes in; the disk fills up before the `launched` one.
      recordLaunch: (rec: LaunchRecord) => {
        if (rec.state === 'launched') throw new Error('ENOSPC: no space left on device');
        real.recordLaunch(rec);
      },
    };
    const opts = { path: 'notebooks/steps.ipynb', notes: null, artifacts: false, keepMachine: false };
    await assert.rejects(
      startCommit(config, { ...opts, instance: null, sshOptions: [] }, deps),
      (e: unknown) =>
        e instanceof UserError &&
        e.message.includes(`commit ${id} is running`) &&
        e.message.includes('ENOSPC') &&
        /MYMLOPS_HOME writable/.test(e.fix ?? ''),
    );
    assert.ok(backend.isRunning(id), 'the job still runs');
    assert.ok(existsSync(join(home, 'jobs', id, 'job.sh')), 'its folder stays');
    assert.ok(snapshotRefs(origin).includes(`refs/mymlops/snapshots/${id}`), 'its snapshot ref stays');
    const r = await result(id);
    assert.equal(r.status, 'succeeded', logOf(id));
    assert.ok(outputFolders(out).includes(id), 'the job published its result');
  });

  it('a launch record that cannot be written before the launch stops it: nothing runs, nothing is left', async () => {
    const { config } = configFor('record-fails-first');
    let id = '';
    const real = commitDeps(config, home);
    const deps = {
      ...real,
      cwd: repo,
      reserveCommitId: (now: Date) => {
        id = real.reserveCommitId(now);
        return id;
      },
      recordLaunch: () => {
        throw new Error('EACCES: permission denied');
      },
    };
    const opts = { path: 'notebooks/steps.ipynb', notes: null, artifacts: false, keepMachine: false };
    await assert.rejects(
      startCommit(config, { ...opts, instance: null, sshOptions: [] }, deps),
      (e: unknown) =>
        e instanceof UserError &&
        e.message.includes(`launch record of commit ${id} could not be written`) &&
        /nothing was launched/.test(e.fix ?? ''),
    );
    assert.ok(!existsSync(join(home, 'jobs', id)), 'its folder is removed');
    assert.ok(!snapshotRefs(origin).includes(`refs/mymlops/snapshots/${id}`), 'its snapshot ref is removed');
  });
});
