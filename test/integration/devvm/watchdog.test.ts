// Runs the REAL watchdog script (assets/devvm/watchdog.sh) with short timeouts and injected readings.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WATCHDOG_ASSET, parseWatchdogState } from '../../../src/core/devvm/watchdog.js';
import { freePort, startSshd, type Sshd } from '../../helpers/sshd.js';

const root = mkdtempSync(join(tmpdir(), 'mymlops-wd-'));
let n = 0;
const children: ChildProcess[] = [];

interface Run {
  dir: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  actions(): number;
  state(): ReturnType<typeof parseWatchdogState>;
  log(): string;
  stop(): void;
}

/** Starts the watchdog with timeout 2 s, interval 1 s, idle fakes unless overridden. */
function runWatchdog(env: Record<string, string> = {}, setup?: (dir: string) => void): Run {
  const dir = join(root, String(++n));
  mkdirSync(dir);
  writeFileSync(join(dir, 'stat'), 'cpu 100 0 100 1000 0 0 0 0 0 0\n');
  writeFileSync(join(dir, 'smi'), '#!/bin/sh\necho 0\necho 1\n');
  chmodSync(join(dir, 'smi'), 0o755);
  mkdirSync(join(dir, 'proc'));
  setup?.(dir);
  const logChunks: string[] = [];
  const child = spawn('bash', [WATCHDOG_ASSET], {
    env: {
      PATH: process.env['PATH'],
      MYMLOPS_WD_TIMEOUT: '2',
      MYMLOPS_WD_INTERVAL: '1',
      MYMLOPS_WD_PROC_STAT: join(dir, 'stat'),
      MYMLOPS_WD_NVIDIA_SMI: join(dir, 'smi'),
      // An empty /proc: no ssh sessions unless a test uses the real one.
      MYMLOPS_WD_PROC: join(dir, 'proc'),
      MYMLOPS_WD_STATE_FILE: join(dir, 'state.json'),
      MYMLOPS_WD_ACTION_CMD: `echo acted >> ${join(dir, 'actions')}`,
      ...env,
    },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => logChunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => logChunks.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    dir,
    child,
    exited,
    actions: () =>
      existsSync(join(dir, 'actions'))
        ? readFileSync(join(dir, 'actions'), 'utf8').trim().split('\n').length
        : 0,
    state: () =>
      parseWatchdogState(
        existsSync(join(dir, 'state.json')) ? readFileSync(join(dir, 'state.json'), 'utf8') : null,
      ),
    log: () => logChunks.join(''),
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function exitsWithin(run: Run, ms: number): Promise<number | null | 'running'> {
  return Promise.race([run.exited, sleep(ms).then(() => 'running' as const)]);
}

let sshd: Sshd;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sshd?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('idle watchdog script', { concurrency: true }, () => {
  test('all idle: the action runs exactly once, then the watchdog exits', async () => {
    const run = runWatchdog();
    assert.equal(await exitsWithin(run, 10_000), 0, run.log());
    await sleep(1500);
    assert.equal(run.actions(), 1);
    assert.equal(run.state()?.state, 'stopped');
    assert.match(run.log(), /idle 0s of 2s/);
    assert.match(run.log(), /running action 'stop'/);
  });

  test('a busy GPU keeps it up even with an idle CPU', async () => {
    const run = runWatchdog();
    writeFileSync(join(run.dir, 'smi'), '#!/bin/sh\necho 2\necho 87\n');
    assert.equal(await exitsWithin(run, 5000), 'running', run.log());
    run.stop();
    assert.equal(run.actions(), 0);
    const s = run.state();
    assert.equal(s?.state, 'busy');
    assert.match(s!.reasons, /gpu1=87%/);
    assert.doesNotMatch(s!.reasons, /cpu/);
  });

  test('a busy CPU keeps it up', async () => {
    const run = runWatchdog();
    let busy = 100;
    const t = setInterval(() => {
      busy += 50; // 50 busy ticks per 100 ms tick against 10 idle: ~83 % busy
      writeFileSync(join(run.dir, 'stat'), `cpu ${busy} 0 100 ${1000 + busy / 5} 0 0 0 0 0 0\n`);
    }, 100);
    try {
      assert.equal(await exitsWithin(run, 5000), 'running', run.log());
    } finally {
      clearInterval(t);
      run.stop();
    }
    assert.equal(run.actions(), 0);
    assert.match(run.state()!.reasons, /cpu=8\d\.\d%/);
  });

  test('a failing nvidia-smi counts as idle GPUs (no process can use them) and says so', async () => {
    const run = runWatchdog();
    writeFileSync(join(run.dir, 'smi'), '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n');
    assert.equal(await exitsWithin(run, 10_000), 0, run.log());
    assert.equal(run.actions(), 1);
    assert.match(run.log(), /nvidia-smi failed \(NVIDIA-SMI has failed\)/);
  });

  test('an ssh -N tunnel does not keep it up', async () => {
    const local = await freePort();
    const tunnel = spawn('ssh', [...sshd.sshOptions(), '-N', '-L', `${local}:127.0.0.1:9`, sshd.target], {
      stdio: 'ignore',
    });
    children.push(tunnel);
    await sleep(1500); // the tunnel is connected
    const run = runWatchdog({ MYMLOPS_WD_PROC: '/proc', MYMLOPS_WD_SSHD_PIDS: String(sshd.pid) });
    try {
      assert.equal(tunnel.exitCode, null, 'tunnel is up');
      assert.equal(await exitsWithin(run, 10_000), 0, run.log());
      assert.equal(run.actions(), 1);
    } finally {
      tunnel.kill();
    }
  });

  test('an interactive ssh session keeps it up; once it ends the action runs', async () => {
    const session = spawn('ssh', [...sshd.sshOptions(), '-tt', sshd.target, 'sleep 30'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    children.push(session);
    await sleep(1500);
    const run = runWatchdog({ MYMLOPS_WD_PROC: '/proc', MYMLOPS_WD_SSHD_PIDS: String(sshd.pid) });
    assert.equal(await exitsWithin(run, 5000), 'running', run.log());
    assert.equal(run.actions(), 0);
    assert.match(run.state()!.reasons, /ssh_sessions=1/);
    session.kill();
    assert.equal(await exitsWithin(run, 10_000), 0, run.log());
    assert.equal(run.actions(), 1);
    assert.match(run.log(), /busy: ssh_sessions=1/);
  });

  test('a busy Jupyter kernel keeps it up; idle kernels do not', async () => {
    let kernels = [
      { id: 'a', execution_state: 'idle' },
      { id: 'b', execution_state: 'busy' },
    ];
    let auth = '';
    const server: Server = createServer((req, res) => {
      auth = req.headers.authorization ?? '';
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/api/kernels' ? JSON.stringify(kernels) : '{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const run = runWatchdog({ MYMLOPS_WD_JUPYTER_PORT: String(port), MYMLOPS_WD_JUPYTER_TOKEN: 'sekret' });
      assert.equal(await exitsWithin(run, 5000), 'running', run.log());
      assert.equal(run.actions(), 0);
      assert.match(run.state()!.reasons, /kernels_busy=1/);
      assert.equal(auth, 'token sekret');
      kernels = [{ id: 'a', execution_state: 'idle' }];
      assert.equal(await exitsWithin(run, 10_000), 0, run.log());
      assert.equal(run.actions(), 1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a failed action is not retried until another full timeout', async () => {
    const run = runWatchdog({ MYMLOPS_WD_TIMEOUT: '3', MYMLOPS_WD_ACTION_CMD: 'bash "$PWD/act.sh"' }, (dir) =>
      writeFileSync(join(dir, 'act.sh'), `echo try >> ${join(dir, 'actions')}; exit 1\n`),
    );
    await sleep(5500);
    run.stop();
    // first try after ~3-4 s; the next one could not come before ~7 s
    assert.equal(run.actions(), 1, run.log());
    assert.match(run.log(), /failed; trying again after another 3s idle/);
  });

  test('timeout 0 disables the watchdog', async () => {
    const run = runWatchdog({ MYMLOPS_WD_TIMEOUT: '0' });
    assert.equal(await exitsWithin(run, 3000), 0);
    assert.equal(run.actions(), 0);
    assert.match(run.log(), /disabled/);
  });
});
