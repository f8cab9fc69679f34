// A 2×3 sweep on the local backend, started by the CLI (from source, through tsx) that exits at
// once: its detached scheduler launches the six runs, never more than two at a time (sampled from
// the backend's list and read from the scheduler's log), all of one snapshot, each with its values.
// Then `cancel GROUP` drops queued runs and cancels the running one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalBackend } from '../../../src/adapters/backends/local/local.js';
import { groupLogPath } from '../../../src/adapters/store/groups.js';
import { listLaunches, readResult } from '../../../src/adapters/store/jobs.js';
import { mergeStatus } from '../../../src/core/status/merge.js';
import { EXIT } from '../../../src/errors.js';
import { ROOT } from '../../helpers/cli.js';
import {
  bareRepo,
  git,
  outputFile,
  outputFolders,
  REAL_COMMAND,
  userRepo,
  writeConfig,
} from '../../helpers/git-repo.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-int-sweep-'));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const backend = new LocalBackend(home);
let configFile = '';

const nb = (sleep: number) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells: [
      {
        cell_type: 'code',
        id: 'p',
        metadata: { tags: ['parameters'] },
        source: 'lr = 1.0\nseed = -1',
        outputs: [],
        execution_count: null,
      },
      {
        cell_type: 'code',
        id: 'r',
        metadata: {},
        source: `import time\ntime.sleep(${sleep})\nprint(lr, seed)`,
        outputs: [],
        execution_count: null,
      },
    ],
  });

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  writeFileSync(join(repo, 'notebooks', 'train.ipynb'), nb(1));
  writeFileSync(join(repo, 'notebooks', 'long.ipynb'), nb(120));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'notebooks');
  const dir = join(tmp, 'cfg');
  git(tmp, 'init', '-q', dir);
  configFile = writeConfig(dir, { command: REAL_COMMAND, repository: origin, output: out });
});

after(async () => {
  for (const m of await backend.list())
    if (m.state === 'running') await backend.cancel(m.name, 2000).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
});

/** The CLI from source, as a separate process that must exit before the sweep ends. */
const cli = (...args: string[]) =>
  spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli.ts'), '-c', configFile, ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, MYMLOPS_HOME: home, MYMLOPS_SWEEP_POLL_MS: '100', NO_COLOR: '1' },
      timeout: 120_000,
    },
  );

const finished = (id: string) => {
  const log = join(home, 'jobs', id, 'job.log');
  return (
    existsSync(log) && /job finished status=\w+\n$/.test(readFileSync(log, 'utf8')) && readResult(id, home)
  );
};

/** Waits until the first run of a sweep's `commits` is listed running. */
const firstRunRunning = (commits: string[]) =>
  waitFor(
    async () =>
      (await backend.list()).some(
        (m) => m.kind === 'commit' && m.commitId === commits[0] && m.state === 'running',
      ),
    { what: 'the first run to run' },
  );

describe('sweeps on the local backend', () => {
  it('refuses more than 5 runs without -y when there is no terminal to ask', () => {
    const r = cli('commit', 'notebooks/train.ipynb', '-p', 'lr=1e-3,3e-4', '-p', 'seed=0..2');
    assert.equal(r.status, EXIT.usage, r.stderr);
    assert.equal(
      r.stderr.trim(),
      'mymlops: a sweep of 6 commits needs confirmation (on this machine: no cloud cost) — pass -y to start it',
    );
  });

  it('2×3 with --max-parallel 2: six results, never more than two running, after the CLI exited', async () => {
    const r = cli(
      'commit',
      'notebooks/train.ipynb',
      '-p',
      'lr=1e-3,3e-4',
      '-p',
      'seed=0..2',
      '--max-parallel',
      '2',
      '-y',
      '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    const { group, commits } = JSON.parse(r.stdout) as { group: string; commits: string[] };
    assert.equal(commits.length, 6);
    assert.equal(group, `${commits[0]}g`);

    // The CLI has exited; at most two runs can have started, so at least three wait in the queue.
    const rows = mergeStatus({
      records: [],
      machines: await backend.list(),
      launches: listLaunches(home),
      backend: 'local',
      now: new Date(),
    });
    const queued = rows.filter((x) => x.status === 'queued');
    assert.ok(queued.length >= 3, `queued: ${rows.map((x) => `${x.id}=${x.status}`).join(' ')}`);
    assert.ok(queued.every((x) => x.group === group && Object.keys(x.parameters).join() === 'lr,seed'));

    let most = 0;
    const ours = new Set(commits);
    await waitFor(
      async () => {
        const running = (await backend.list()).filter(
          (m) => m.kind === 'commit' && m.commitId && ours.has(m.commitId) && m.state === 'running',
        );
        most = Math.max(most, running.length);
        return commits.every(finished);
      },
      {
        what: 'six sweep results',
        timeoutMs: 240_000,
        detail: () => readFileSync(groupLogPath(group, home), 'utf8'),
      },
    );
    assert.equal(most, 2, 'two at a time, sampled from the backend');
    const log = readFileSync(groupLogPath(group, home), 'utf8');
    const actives = [...log.matchAll(/active=(\d+) launching=(\d+)/g)].map(
      (m) => Number(m[1]) + Number(m[2]),
    );
    assert.ok(actives.length > 0 && Math.max(...actives) <= 2, log);
    assert.match(log, /nothing queued: done/);

    assert.deepEqual(
      outputFolders(out)
        .filter((f) => ours.has(f))
        .sort(),
      [...commits].sort(),
    );
    const metas = commits.map(
      (id) => JSON.parse(outputFile(out, `${id}/metadata.json`)) as Record<string, unknown>,
    );
    for (const m of metas) assert.equal(m['status'], 'succeeded', String(m['message']));
    assert.deepEqual(
      metas.map((m) => m['parameters']),
      [0.001, 0.0003].flatMap((lr) => [0, 1, 2].map((seed) => ({ lr, seed }))),
    );
    assert.equal(new Set(metas.map((m) => m['source_commit'])).size, 1, 'one snapshot');
    assert.ok(metas.every((m) => m['group'] === group));
    const printed = commits.map((id) => {
      const cells = (
        JSON.parse(outputFile(out, `${id}/train.ipynb`)) as { cells: { outputs: { text?: string[] }[] }[] }
      ).cells;
      return (cells[2]!.outputs[0]!.text ?? []).join('');
    });
    assert.deepEqual(printed, [
      '0.001 0\n',
      '0.001 1\n',
      '0.001 2\n',
      '0.0003 0\n',
      '0.0003 1\n',
      '0.0003 2\n',
    ]);
  });

  it('cancel GROUP drops the queued runs and cancels the running one', async () => {
    const r = cli('commit', 'notebooks/long.ipynb', '-p', 'seed=0..2', '--max-parallel', '1', '--json');
    assert.equal(r.status, 0, r.stderr);
    const { group, commits } = JSON.parse(r.stdout) as { group: string; commits: string[] };
    await firstRunRunning(commits);
    const c = cli('cancel', group, '--json');
    assert.equal(c.status, 0, c.stderr);
    assert.deepEqual(JSON.parse(c.stdout), { group, cancelled: [commits[0]], dropped: commits.slice(1) });
    const res = await waitFor(() => finished(commits[0]!), {
      what: 'the cancelled run to end',
      timeoutMs: 60_000,
    });
    assert.equal(res.status, 'cancelled');
    for (const id of commits.slice(1)) assert.ok(!existsSync(join(home, 'jobs', id)), `${id} dropped`);
    await waitFor(
      () =>
        /nothing queued: done|the group file is gone/.test(readFileSync(groupLogPath(group, home), 'utf8')),
      {
        what: 'the scheduler to stop',
      },
    );
  });

  it('cancel GROUP never removes the folder of a run that was started outside its queue', async () => {
    const r = cli('commit', 'notebooks/long.ipynb', '-p', 'seed=0..1', '--max-parallel', '1', '--json');
    assert.equal(r.status, 0, r.stderr);
    const { group, commits } = JSON.parse(r.stdout) as { group: string; commits: string[] };
    await firstRunRunning(commits);
    // The queued run was started by hand (as `retry` once could): its record is no longer queued.
    const launch = join(home, 'jobs', commits[1]!, 'launch.json');
    const { queued: _q, ...started } = JSON.parse(readFileSync(launch, 'utf8')) as { queued?: boolean };
    writeFileSync(launch, JSON.stringify(started));
    const c = cli('cancel', group, '--json');
    assert.equal(c.status, 0, c.stderr);
    assert.ok(existsSync(launch), 'the started run keeps its folder');
    await waitFor(() => finished(commits[0]!), { what: 'the cancelled run to end', timeoutMs: 60_000 });
  });
});
