// `mymlops start` on the local backend as a user runs it: real clone, the start command serves
// HTTP, a taken name is refused, and the idle watchdog stops it (shown as stopped (idle)).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli } from '../helpers/cli.js';
import { bareRepo, FAKE_COMMAND, git, outputFile, snapshotRefs, userRepo } from '../helpers/git-repo.js';
import { freePort } from '../helpers/sshd.js';
import { createRepos, killDevMachine, localDevSetting } from '../helpers/local-dev.js';
import { waitFor } from '../helpers/wait.js';

const setting = localDevSetting('mymlops-e2e-start-');
const { tmp, home, origin, repo, env } = setting;
let port = 0;

after(() => {
  for (const name of ['dev1', 'dev2', 'devdash']) killDevMachine(home, name);
  if (!process.env['KEEP']) rmSync(tmp, { recursive: true, force: true });
});

before(async () => {
  port = await freePort();
  createRepos(setting, 'hello from the dev clone\n');
  // (CPU threshold 100 % as well: belt and braces.)
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
      { what: 'the start command to serve', timeoutMs: 5000 },
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
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^mymlops: a dev machine named dev1 already exists \(running\) — stop it with `mymlops stop dev1`, or pick another --name\n$/,
    );

    const bad = runCli(['start', '--name', 'Dev_1'], { cwd: repo, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^mymlops: invalid dev machine name "Dev_1" — /);

    // Idle (no ssh terminal, an idle CPU): the watchdog stops the command after 6 s.
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(
          () => null,
          () => true,
        ),
      { what: 'the watchdog to stop the start command', timeoutMs: 60_000 },
    );
    const idleFile = join(home, 'dev', 'dev1', 'idle.json');
    await waitFor(() => (/"state":"stopped"/.test(readFileSync(idleFile, 'utf8')) ? true : null), {
      what: 'stopped state',
      timeoutMs: 12_000,
    });
    const wlog = readFileSync(join(home, 'dev', 'dev1', 'watchdog.log'), 'utf8');
    assert.equal(wlog.match(/running action/g)?.length, 1);
    const log = await waitFor(
      () => {
        const t = readFileSync(join(home, 'dev', 'dev1', 'job.log'), 'utf8');
        return /start command exited/.test(t) ? t : null;
      },
      { what: 'the dev script to end', timeoutMs: 10_000 },
    );
    assert.match(log, /cloning /);
    assert.match(log, /running start command/);
    const logs = runCli(['logs', 'dev1'], { cwd: repo, env });
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /mymlops: dev machine dev1 booting/);
    assert.match(logs.stdout, /start command exited/);
    const after = runCli(['status'], { cwd: repo, env });
    assert.match(after.stdout, / {2}dev1 {2}local {2}stopped \(idle\)\n/);
  });

  it('the dashboard lists a running dev machine; its port link serves', async () => {
    // Its own config with a long idle timeout: the check must not race the watchdog.
    const dashCfg = join(repo, 'mymlops-dash.yml');
    const devPort = await freePort();
    writeFileSync(
      dashCfg,
      readFileSync(join(repo, 'mymlops.yml'), 'utf8')
        .replace('timeout: 6s', 'timeout: 10m')
        .replace(`http.server ${port} `, `http.server ${devPort} `)
        .replace(`remote_ports: [${port}]`, `remote_ports: [${devPort}]`),
    );
    const r = runCli(['start', '--name', 'devdash', '--config', dashCfg], { cwd: repo, env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const dashPort = await freePort();
    const dash = spawn(
      process.execPath,
      [BIN, 'dashboard', '--port', String(dashPort), '--config', dashCfg],
      {
        cwd: repo,
        env: { ...process.env, ...env, NO_COLOR: '1' },
        stdio: 'ignore',
      },
    );
    try {
      const vm = await waitFor(
        () =>
          fetch(`http://127.0.0.1:${dashPort}/api/status`, { signal: AbortSignal.timeout(2000) }).then(
            async (x) => {
              if (!x.ok) return null;
              const api = (await x.json()) as {
                dev_vms: { name: string; ports: { url: string | null }[] }[];
              };
              return api.dev_vms.find((v) => v.name === 'devdash') ?? null;
            },
            () => null,
          ),
        { what: 'the dashboard to list devdash', timeoutMs: 20000 },
      );
      assert.equal(vm.ports[0]?.url, `http://localhost:${devPort}/`);
      const body = await waitFor(
        () =>
          fetch(`http://127.0.0.1:${devPort}/hello.txt`, { signal: AbortSignal.timeout(1000) }).then(
            (x) => x.text(),
            () => null,
          ),
        { what: 'the dev machine to serve through its link', timeoutMs: 10000 },
      );
      assert.equal(body, 'hello from the dev clone\n');
    } finally {
      dash.kill('SIGTERM');
      killDevMachine(home, 'devdash');
    }
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

describe('mymlops commit --instance (local backend)', () => {
  const dir = join(tmp, 'inst');
  const devOrigin = join(dir, 'origin.git');
  const devOut = join(dir, 'out.git');
  const work = join(dir, 'work');
  after(() => {
    killDevMachine(home, 'devnb');
  });

  it('commits the notebook from the dev clone (outputs cleared) with the rest from here', async () => {
    bareRepo(devOrigin);
    bareRepo(devOut);
    userRepo(work);
    git(work, 'push', '-q', devOrigin, 'master');
    writeFileSync(
      join(work, 'mymlops.yml'),
      `backend: local
commit:
  command: ${JSON.stringify(FAKE_COMMAND)}
  repository: {url: ${JSON.stringify(devOrigin)}}
  output_repository: {url: ${JSON.stringify(devOut)}}
start:
  command: sleep 600
  repository: {url: ${JSON.stringify(devOrigin)}}
  idle_shutdown: {timeout: 0}
`,
    );
    assert.equal(runCli(['start', '--name', 'devnb'], { cwd: work, env }).code, 0);
    const clone = join(home, 'dev', 'devnb', 'repo');
    await waitFor(() => (existsSync(join(clone, '.git', 'mymlops-cloned')) ? true : null), {
      what: 'the clone',
      timeoutMs: 10_000,
    });
    // Edited on the dev machine (with outputs), never committed there; absent here.
    const nb = JSON.parse(readFileSync(join(clone, 'notebooks', 'quick.ipynb'), 'utf8')) as {
      cells: {
        cell_type: string;
        source: string | string[];
        outputs?: unknown[];
        execution_count?: number | null;
      }[];
    };
    const code = nb.cells.find((c) => c.cell_type === 'code')!;
    code.source = 'print("edited on the dev machine")\n';
    code.outputs = [{ output_type: 'stream', name: 'stdout', text: ['stale output\n'] }];
    code.execution_count = 7;
    writeFileSync(join(clone, 'notebooks', 'devonly.ipynb'), JSON.stringify(nb));
    writeFileSync(join(work, 'local-only.txt'), 'from the local working tree\n');

    const r = runCli(['commit', '--instance', 'devnb', 'notebooks/devonly.ipynb', '-n', 'from dev'], {
      cwd: work,
      env,
    });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const id = /commit (\d{8}_\d{6})/.exec(r.stderr)![1]!;
    const published = JSON.parse(outputFile(devOut, `${id}/devonly.ipynb`)) as typeof nb;
    const cell = published.cells.find((c) => c.cell_type === 'code')!;
    const src = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    assert.equal(src, 'print("edited on the dev machine")\n');
    // Executed here from a cleared copy: the stale output is gone, the runner's is there.
    assert.doesNotMatch(JSON.stringify(cell.outputs), /stale output/);
    assert.match(JSON.stringify(cell.outputs), /ran cell 1/);
    // The snapshot carries the local working tree (an uncommitted local file).
    const snap = snapshotRefs(devOrigin).find((x) => x.endsWith(id))!;
    assert.equal(git(devOrigin, 'show', `${snap}:local-only.txt`), 'from the local working tree');

    const missing = runCli(['commit', '--instance', 'nope', 'notebooks/quick.ipynb'], { cwd: work, env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^mymlops: no dev machine named nope — /);
    const bad = runCli(['commit', '--instance', 'devnb', 'notebooks/absent.ipynb'], { cwd: work, env });
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^mymlops: notebooks\/absent.ipynb cannot be read from dev machine devnb \(ENOENT/,
    );
  });
});
