// `mymlops start` on the local backend as a user runs it: real clone, the start command serves
// HTTP, a taken name is refused, and the idle watchdog stops it (shown as stopped (idle)).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { bareRepo, git, userRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/sshd.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-start-'));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };
let port = 0;

function pids(name: string): number[] {
  const dir = join(home, 'dev', name);
  return ['pid', 'command.pid']
    .map((f) => (existsSync(join(dir, f)) ? Number(readFileSync(join(dir, f), 'utf8')) : 0))
    .filter((p) => p > 0);
}

after(() => {
  for (const name of ['dev1', 'dev2'])
    for (const p of pids(name))
      try {
        process.kill(-p, 'SIGKILL');
      } catch {}
  rmSync(tmp, { recursive: true, force: true });
});

before(async () => {
  port = await freePort();
  bareRepo(origin);
  userRepo(repo);
  writeFileSync(join(repo, 'hello.txt'), 'hello from the dev clone\n');
  git(repo, 'add', 'hello.txt');
  git(repo, 'commit', '-q', '-m', 'hello');
  git(repo, 'push', '-q', origin, 'master');
  // CPU threshold 100 %: the watchdog's decision must not depend on the test machine's load.
  bareRepo(join(tmp, 'out.git'));
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `backend: local
commit:
  command: "true"
  repository:
    url: ${JSON.stringify(origin)}
  output_repository:
    url: ${JSON.stringify(join(tmp, 'out.git'))}
start:
  command: /usr/bin/python3 -m http.server ${port} --bind 127.0.0.1
  repository:
    url: ${JSON.stringify(origin)}
  idle_shutdown:
    timeout: 6s
    interval: 1
    cpu_threshold: 100
dashboard:
  tunnel:
    local_port_min: 20000
    remote_ports: [${port}]
`,
  );
});

async function waitFor<T>(f: () => Promise<T | null> | T | null, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mymlops start (local backend)', () => {
  it('clones, serves HTTP from the clone, refuses the same name, stops when idle', async () => {
    const r = runCli(['start', '--name', 'dev1'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /started dev machine dev1/);
    assert.match(r.stdout, new RegExp(`port  http://localhost:${port}/`));
    assert.match(r.stdout, /logs {2}mymlops logs dev1/);
    const body = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/hello.txt`, { signal: AbortSignal.timeout(1000) }).then(
          (x) => x.text(),
          () => null,
        ),
      5000,
      'the start command to serve',
    );
    assert.equal(body, 'hello from the dev clone\n');
    assert.ok(existsSync(join(home, 'dev', 'dev1', 'repo', '.git', 'mymlops-cloned')));

    const st = runCli(['status'], { cwd: repo, env });
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /dev machines\n {2}dev1 {2}local {2}running/);
    assert.match(st.stdout, new RegExp(`http://localhost:${port}/`));
    assert.match(st.stdout, new RegExp(`cd '${home}/dev/dev1/repo'`));
    const sj = JSON.parse(runCli(['status', '--json'], { cwd: repo, env }).stdout) as {
      dev_vms: { name: string; state_label: string; logs_command: string }[];
    };
    assert.equal(sj.dev_vms[0]?.name, 'dev1');
    assert.equal(sj.dev_vms[0]?.logs_command, 'mymlops logs dev1');

    const again = runCli(['start', '--name', 'dev1'], { cwd: repo, env });
    assert.equal(again.code, 1);
    assert.match(
      again.stderr,
      /^mymlops: a dev machine named dev1 already exists \(running\) — pick another --name\n$/,
    );

    const bad = runCli(['start', '--name', 'Dev_1'], { cwd: repo, env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^mymlops: invalid dev machine name "Dev_1" — /);

    // Idle (no ssh terminal, CPU under 100 %): the watchdog stops the command after 6 s.
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(
          () => null,
          () => true,
        ),
      20_000,
      'the watchdog to stop the start command',
    );
    const idleFile = join(home, 'dev', 'dev1', 'idle.json');
    await waitFor(
      () => (/"state":"stopped"/.test(readFileSync(idleFile, 'utf8')) ? true : null),
      12_000,
      'stopped state',
    );
    const wlog = readFileSync(join(home, 'dev', 'dev1', 'watchdog.log'), 'utf8');
    assert.equal(wlog.match(/running action/g)?.length, 1);
    const log = await waitFor(
      () => {
        const t = readFileSync(join(home, 'dev', 'dev1', 'job.log'), 'utf8');
        return /start command exited/.test(t) ? t : null;
      },
      10_000,
      'the dev script to end',
    );
    assert.match(log, /cloning /);
    assert.match(log, /running start command/);
    const after = runCli(['status'], { cwd: repo, env });
    assert.match(after.stdout, / {2}dev1 {2}local {2}stopped \(idle\)\n/);
  });

  it('--dry-run prints the plan and creates nothing', () => {
    const r = runCli(['start', '--name', 'dev2', '--dry-run'], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dry run: nothing was created/);
    assert.match(r.stdout, /"MYMLOPS_WD_TIMEOUT": "6"/);
    assert.match(r.stdout, /MYMLOPS_WATCHDOG_EOF/);
    assert.ok(!existsSync(join(home, 'dev', 'dev2')));
  });
});
