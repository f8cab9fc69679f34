// A local dev machine's life as a user lives it: start → stop (the port stops answering,
// `stopped (by you)`) → start --name resumes (serves again, `running`) → ssh opens a shell in the
// clone (through tmux) → delete (gone). A command that exits shows `exited (code N)`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, binDir, runCli } from '../helpers/cli.js';
import { freePort, portAccepts } from '../helpers/sshd.js';
import { createRepos, killDevMachine, localDevSetting } from '../helpers/local-dev.js';
import { waitFor } from '../helpers/wait.js';

const setting = localDevSetting('mymlops-e2e-devlife-');
const { tmp, home, origin, repo, env } = setting;
const tmuxSock = join(tmp, 'tmux.sock');
let port = 0;
const serves = () =>
  fetch(`http://127.0.0.1:${port}/hello.txt`, { signal: AbortSignal.timeout(1000) }).then(
    (x) => x.text(),
    () => null,
  );
const devLine = (name: string) =>
  runCli(['status'], { cwd: repo, env })
    .stdout.split('\n')
    .find((l) => l.startsWith(`  ${name}  `));

after(() => {
  spawnSync('tmux', ['-S', tmuxSock, 'kill-server']);
  for (const name of ['life', 'quits']) killDevMachine(home, name);
  rmSync(tmp, { recursive: true, force: true });
});

before(async () => {
  port = await freePort();
  createRepos(setting, 'hello from the dev clone\n');
  writeFileSync(
    join(repo, 'mymlops.yml'),
    `backend: local
commit:
  command: "true"
  repository: {url: ${JSON.stringify(origin)}}
  output_repository: {url: ${JSON.stringify(join(tmp, 'out.git'))}}
start:
  command: /usr/bin/python3 -m http.server ${port} --bind 127.0.0.1
  repository: {url: ${JSON.stringify(origin)}}
  idle_shutdown: {timeout: 10m, interval: 1}
dashboard:
  tunnel: {local_port_min: 20000, remote_ports: [${port}]}
`,
  );
  writeFileSync(
    join(repo, 'quits.yml'),
    readFileSync(join(repo, 'mymlops.yml'), 'utf8').replace(
      /command: \/usr\/bin\/python3.*/,
      'command: "echo about to fail; exit 3"',
    ),
  );
});

describe('dev machine lifecycle (local backend)', () => {
  it('start → stop → start --name resumes → ssh into the clone → delete', async () => {
    assert.equal(runCli(['start', '--name', 'life'], { cwd: repo, env }).code, 0);
    assert.equal(await waitFor(serves, { what: 'the start command to serve' }), 'hello from the dev clone\n');

    const refused = runCli(['start', '--name', 'life'], { cwd: repo, env });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^mymlops: a dev machine named life already exists \(running\) — stop it with/,
    );

    const stop = runCli(['stop', 'life', '--json'], { cwd: repo, env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(JSON.parse(stop.stdout).state, 'stopped');
    assert.equal(await portAccepts(port), false, 'the port stops answering');
    assert.match(devLine('life') ?? '', /^ {2}life {2}local {2}stopped \(by you\)$/);
    const again = runCli(['stop', 'life'], { cwd: repo, env });
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /already stopped \(by you\) — start it again with `mymlops start --name life`/,
    );

    const resume = runCli(['start', '--name', 'life'], { cwd: repo, env });
    assert.equal(resume.code, 0, resume.stderr);
    assert.match(resume.stdout, /resumed dev machine life/);
    assert.equal(
      await waitFor(serves, { what: 'the resumed command to serve' }),
      'hello from the dev clone\n',
    );
    assert.match(devLine('life') ?? '', /^ {2}life {2}local {2}running/);
    const log = readFileSync(join(home, 'dev', 'life', 'job.log'), 'utf8');
    assert.match(log, /repository already cloned: not cloning again/);

    // ssh: an interactive shell in the clone, on a real terminal (tmux).
    const clone = join(home, 'dev', 'life', 'repo');
    const tmux = (...a: string[]) => spawnSync('tmux', ['-S', tmuxSock, ...a], { encoding: 'utf8' });
    const path = `${binDir(tmp)}:${process.env['PATH']}`;
    const sh = tmux(
      'new-session',
      '-d',
      '-x',
      '200',
      '-y',
      '20',
      `env MYMLOPS_HOME=${home} PATH=${path} SHELL=/bin/bash PS1='$ ' bash --norc -c 'cd ${repo} && mymlops ssh life; echo "ssh exited $?"; sleep 60'`,
    );
    assert.equal(sh.status, 0, sh.stderr);
    const pane = () => tmux('capture-pane', '-p', '-J').stdout;
    tmux('send-keys', 'pwd', 'Enter');
    await waitFor(() => pane().includes(clone), { what: 'pwd to print the clone', detail: pane });
    tmux('send-keys', 'exit 7', 'Enter');
    await waitFor(() => pane().includes('ssh exited 7'), {
      what: 'the exit code to pass through',
      detail: pane,
    });

    // A $SHELL that does not exist is one line naming the fix, not a stack.
    const noShell = runCli(['ssh', 'life'], { cwd: repo, env: { ...env, SHELL: '/no/such/shell' } });
    assert.equal(noShell.code, 2, noShell.stderr);
    assert.match(
      noShell.stderr,
      /^mymlops: cannot run \/no\/such\/shell: no such program — set SHELL to an installed shell/,
    );
    assert.equal(noShell.stderr.trim().split('\n').length, 1, noShell.stderr);

    const unknown = runCli(['ssh', 'nope'], { cwd: repo, env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^mymlops: no dev machine named nope — known: life\n$/);

    const tab = runCli(['__complete', '2', '--', 'mymlops', 'stop', ''], { cwd: repo, env });
    assert.deepEqual(tab.stdout.trim().split('\n'), ['life']);
    const tabName = runCli(['__complete', '3', '--', 'mymlops', 'start', '--name', 'l'], { cwd: repo, env });
    assert.equal(tabName.stdout.trim(), 'life');

    const noTty = runCli(['delete', 'life'], { cwd: repo, env });
    assert.equal(noTty.code, 2);
    assert.match(
      noTty.stderr,
      /^mymlops: deleting dev machine life needs a confirmation — run `mymlops delete life -y`/,
    );
    const del = runCli(['delete', 'life', '-y', '--json'], { cwd: repo, env });
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(JSON.parse(del.stdout), { name: 'life', deleted: true });
    assert.equal(await portAccepts(port), false);
    assert.ok(!existsSync(join(home, 'dev', 'life')));
    assert.equal(devLine('life'), undefined);
  });

  it('a start command that exits shows exited (code N) with its last log lines', async () => {
    const cfg = join(repo, 'quits.yml');
    assert.equal(runCli(['start', '--name', 'quits', '--config', cfg], { cwd: repo, env }).code, 0);
    const st = await waitFor(
      () => {
        const out = runCli(['status', '--config', cfg], { cwd: repo, env }).stdout;
        return /quits {2}local {2}exited \(code 3\)/.test(out) ? out : null;
      },
      { what: 'status to say exited (code 3)' },
    );
    assert.match(st, /\| mymlops: start command exited with code 3/);
    assert.match(st, /\| about to fail/);
    const j = JSON.parse(runCli(['status', '--json', '--config', cfg], { cwd: repo, env }).stdout) as {
      dev_vms: { name: string; state_label: string; dev: { code: number } }[];
    };
    const vm = j.dev_vms.find((v) => v.name === 'quits')!;
    assert.equal(vm.state_label, 'exited (code 3)');
    assert.equal(vm.dev.code, 3);
  });
});
void BIN;
