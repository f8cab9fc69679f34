// A sweep outlives its scheduler: kill -9 of the detached scheduler while runs are queued, and the
// next `mymlops status` notices (one line), starts a new one, and every run finishes once. Two
// passes at once start at most one scheduler that works (the other sees the group claimed).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { groupLogPath, groupsDir } from '../../src/adapters/store/groups.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { bareRepo, git, outputFolders, userRepo, writeConfig } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-sweep-resume-'));
const home = join(tmp, 'home');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const release = join(tmp, 'release');
const env = { MYMLOPS_HOME: home, MYMLOPS_SWEEP_POLL_MS: '100', NO_COLOR: '1' };

before(() => {
  bareRepo(out);
  userRepo(repo);
  // Each run waits for the test to let it go (bounded), so the queue is still there when the
  // scheduler is killed.
  writeFileSync(
    join(repo, 'wait_run.sh'),
    `i=0; while [ ! -e '${release}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\nexec /usr/bin/python3 fake_run.py "$1"\n`,
  );
  const command = '/bin/sh wait_run.sh';
  writeConfig(repo, { command, repository: bareRepo(join(tmp, 'origin.git')), output: out });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'config');
});
after(() => {
  writeFileSync(release, '');
  rmSync(tmp, { recursive: true, force: true });
});

function schedulerPid(group: string): number | null {
  const f = join(groupsDir(home), `${group}.pid`);
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : null;
}

test('kill -9 of the scheduler: status resumes the sweep, every run ends once', async () => {
  const r = runCli(['commit', 'notebooks/quick.ipynb', '-p', 'seed=0..2', '--max-parallel', '1', '--json'], {
    cwd: repo,
    env,
  });
  assert.equal(r.code, 0, r.stderr);
  const { group, commits } = JSON.parse(r.stdout) as { group: string; commits: string[] };
  // The CLI launched the first run itself; the scheduler holds the other two for its slot.
  await waitFor(
    () =>
      schedulerPid(group) !== null &&
      readFileSync(groupLogPath(group, home), 'utf8').includes('active=1 launching=0 queued=2'),
    { what: 'the scheduler to hold the queue' },
  );
  process.kill(schedulerPid(group)!, 'SIGKILL');
  await waitFor(
    () => {
      try {
        process.kill(schedulerPid(group)!, 0);
        return false;
      } catch {
        return true;
      }
    },
    { what: 'the scheduler to be gone' },
  );
  // Two passes at once, as a status and a dashboard would run them.
  const [a, b] = await Promise.all([
    runCliAsync(['status'], { cwd: repo, env: { ...process.env, ...env } }),
    runCliAsync(['status'], { cwd: repo, env: { ...process.env, ...env } }),
  ]);
  const said = a.stderr + b.stderr;
  assert.match(said, new RegExp(`sweep ${group}: its scheduler had stopped with 2 runs waiting — resumed`));
  writeFileSync(release, '');
  await waitFor(() => commits.every((id) => outputFolders(out).includes(id)), {
    what: 'every run of the sweep to publish',
    timeoutMs: 120_000,
    detail: () => readFileSync(groupLogPath(group, home), 'utf8'),
  });
  assert.deepEqual([...outputFolders(out)].sort(), [...commits].sort(), 'each run once');
  const log = readFileSync(groupLogPath(group, home), 'utf8');
  for (const id of commits.slice(1))
    assert.equal(
      log.split('\n').filter((l) => l.endsWith(`launched ${id}`)).length,
      1,
      `${id} launched once`,
    );
  // The last run's folder is published a moment before its job exits: status says succeeded for
  // all three once the jobs are done.
  const statuses = () =>
    (
      JSON.parse(runCli(['status', '--json'], { cwd: repo, env }).stdout).commits as {
        id: string;
        status: string;
      }[]
    )
      .filter((c) => commits.includes(c.id))
      .map((c) => c.status);
  await waitFor(() => statuses().every((x) => x === 'succeeded'), {
    what: 'status to show every run succeeded',
    detail: () => statuses().join(' '),
  });
  assert.deepEqual(statuses(), ['succeeded', 'succeeded', 'succeeded']);
});
