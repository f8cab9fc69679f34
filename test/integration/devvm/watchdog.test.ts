// Runs the REAL watchdog script (assets/devvm/watchdog.sh) with short timeouts and injected readings.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WATCHDOG_ASSET } from '../../../src/adapters/assets.js';
import { parseWatchdogState } from '../../../src/core/devvm/watchdog.js';
import { freePort, portAccepts, startSshd, type Sshd } from '../../helpers/sshd.js';
import { waitFor } from '../../helpers/wait.js';

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
  // 'close', not 'exit': the log is complete once the pipes are closed.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
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

/** The watchdog's exit code, once it has exited (bounded). */
async function exitCode(run: Run, timeoutMs = 20_000): Promise<number | null> {
  let code: number | null | undefined;
  void run.exited.then((c) => {
    code = c;
  });
  await waitFor(() => code !== undefined, { what: 'the watchdog to exit', timeoutMs, detail: run.log });
  return code ?? null;
}

const POLL = /watchdog: (busy|idle \d)/;
const polls = (run: Run) =>
  run
    .log()
    .split('\n')
    .filter((l) => POLL.test(l));
/**
 * Waits for `n` more polls than the watchdog has logged so far and returns them. With timeout 2 s
 * and interval 1 s an idle watchdog acts on its third idle poll, so four busy polls in a row prove
 * it was kept up for longer than it takes to act — the watchdog is still running after them.
 */
async function nextPolls(run: Run, n = 4): Promise<string[]> {
  const seen = polls(run).length;
  await waitFor(() => polls(run).length >= seen + n, { what: `${n} more watchdog polls`, detail: run.log });
  assert.equal(run.child.exitCode, null, run.log());
  return polls(run).slice(seen);
}
const allBusy = (lines: string[], reason: RegExp) =>
  assert.ok(
    lines.every((l) => /watchdog: busy/.test(l) && reason.test(l)),
    lines.join('\n'),
  );

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
    assert.equal(await exitCode(run), 0, run.log());
    assert.equal(run.actions(), 1);
    assert.equal(run.state()?.state, 'stopped');
    assert.match(run.log(), /idle 0s of 2s/);
    assert.match(run.log(), /running action 'stop'/);
  });

  test('a busy GPU keeps it up even with an idle CPU', async () => {
    const run = runWatchdog();
    writeFileSync(join(run.dir, 'smi'), '#!/bin/sh\necho 2\necho 87\n');
    allBusy(await nextPolls(run), /gpu1=87%/);
    run.stop();
    assert.equal(run.actions(), 0);
    const s = run.state();
    assert.equal(s?.state, 'busy');
    assert.match(s!.reasons, /gpu1=87%/);
    assert.doesNotMatch(s!.reasons, /cpu/);
  });

  test('a busy CPU keeps it up', async () => {
    // /proc/stat as a named pipe: every read the watchdog makes gets counters 50 busy and 10 idle
    // ticks past the previous read (83.3 % busy), however late the watchdog or this process runs. A
    // line written while the previous reader is closing is lost (EPIPE, ignored): the ratio stays.
    let writer: ChildProcess | null = null;
    const run = runWatchdog({}, (dir) => {
      const fifo = join(dir, 'stat');
      rmSync(fifo);
      execFileSync('mkfifo', [fifo]);
      writer = spawn(
        'bash',
        [
          '-c',
          'trap "" PIPE; b=100; i=1000; while :; do b=$((b + 50)); i=$((i + 10)); printf "cpu %s 0 100 %s 0 0 0 0 0 0\\n" "$b" "$i" > "$0"; done',
          fifo,
        ],
        { stdio: 'ignore' },
      );
      children.push(writer);
    });
    try {
      allBusy(await nextPolls(run), /cpu=83\.3%/);
    } finally {
      run.stop();
      (writer as ChildProcess | null)?.kill('SIGKILL');
    }
    assert.equal(run.actions(), 0);
    assert.match(run.state()!.reasons, /cpu=83\.3%/);
  });

  test('a failing nvidia-smi counts as idle GPUs (no process can use them) and says so', async () => {
    const run = runWatchdog();
    writeFileSync(join(run.dir, 'smi'), '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n');
    assert.equal(await exitCode(run), 0, run.log());
    assert.equal(run.actions(), 1);
    assert.match(run.log(), /nvidia-smi failed \(NVIDIA-SMI has failed\)/);
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
      allBusy(await nextPolls(run), /kernels_busy=1/);
      assert.equal(run.actions(), 0);
      assert.match(run.state()!.reasons, /kernels_busy=1/);
      assert.equal(auth, 'token sekret');
      kernels = [{ id: 'a', execution_state: 'idle' }];
      assert.equal(await exitCode(run), 0, run.log());
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
    const failed = /failed; trying again after another 3s idle/g;
    // Up to the second try: between the two, idleness is counted afresh from 0 s to the full 3 s.
    await waitFor(() => (run.log().match(failed)?.length ?? 0) >= 2, {
      what: 'the action to be tried a second time',
      detail: run.log,
    });
    run.stop();
    assert.equal(run.actions(), 2, run.log());
    const [, between] = run.log().split(failed);
    assert.match(between!, /idle 0s of 3s/);
    const tries = [...run.log().matchAll(/idle for (\d+)s: running action/g)].map((m) => Number(m[1]));
    assert.equal(tries.length, 2);
    for (const idle of tries) assert.ok(idle >= 3, `tried after ${idle}s idle`);
  });

  test('timeout 0 disables the watchdog', async () => {
    const run = runWatchdog({ MYMLOPS_WD_TIMEOUT: '0' });
    assert.equal(await exitCode(run, 3000), 0);
    assert.equal(run.actions(), 0);
    assert.match(run.log(), /disabled/);
  });
});

// One at a time: they share one sshd, and every session on it counts in each of them.
describe('idle watchdog script and ssh sessions', () => {
  test('an ssh -N tunnel does not keep it up', async () => {
    const local = await freePort();
    const tunnel = spawn('ssh', [...sshd.sshOptions(), '-N', '-L', `${local}:127.0.0.1:9`, sshd.target], {
      stdio: 'ignore',
    });
    children.push(tunnel);
    // ssh binds the forwarded port once the session is established.
    await waitFor(() => portAccepts(local), { what: 'the ssh -N tunnel to connect' });
    const run = runWatchdog({ MYMLOPS_WD_PROC: '/proc', MYMLOPS_WD_SSHD_PIDS: String(sshd.pid) });
    try {
      assert.equal(tunnel.exitCode, null, 'tunnel is up');
      assert.equal(await exitCode(run), 0, run.log());
      assert.equal(run.actions(), 1);
    } finally {
      tunnel.kill();
    }
  });

  test('an interactive ssh session keeps it up; once it ends the action runs', async () => {
    const session = spawn('ssh', [...sshd.sshOptions(), '-tt', sshd.target, 'echo session-ready; sleep 30'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    children.push(session);
    let said = '';
    session.stdout!.on('data', (d: Buffer) => {
      said += d.toString();
    });
    await waitFor(() => said.includes('session-ready'), { what: 'the ssh session to run its command' });
    const run = runWatchdog({ MYMLOPS_WD_PROC: '/proc', MYMLOPS_WD_SSHD_PIDS: String(sshd.pid) });
    allBusy(await nextPolls(run), /ssh_sessions=1/);
    assert.equal(run.actions(), 0);
    assert.match(run.state()!.reasons, /ssh_sessions=1/);
    session.kill();
    assert.equal(await exitCode(run), 0, run.log());
    assert.equal(run.actions(), 1);
    assert.match(run.log(), /busy: ssh_sessions=1/);
  });

  test('a terminal-less ssh session (VS Code Remote style) keeps it up unless told to count terminals only', async () => {
    const session = spawn('ssh', [...sshd.sshOptions(), '-T', sshd.target, 'echo session-ready; sleep 30'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    children.push(session);
    let said = '';
    session.stdout!.on('data', (d: Buffer) => {
      said += d.toString();
    });
    await waitFor(() => said.includes('session-ready'), { what: 'the ssh -T session to run its command' });
    const sshdEnv = { MYMLOPS_WD_PROC: '/proc', MYMLOPS_WD_SSHD_PIDS: String(sshd.pid) };
    const run = runWatchdog(sshdEnv);
    // Terminals only: the same session does not count, so that watchdog acts meanwhile.
    const terminalsOnly = runWatchdog({ ...sshdEnv, MYMLOPS_WD_SSH: 'terminal' });
    try {
      allBusy(await nextPolls(run), /ssh_sessions=1/);
      assert.equal(run.actions(), 0);
      assert.equal(await exitCode(terminalsOnly), 0, terminalsOnly.log());
      assert.equal(terminalsOnly.actions(), 1);
      assert.equal(session.exitCode, null, 'the session outlived the terminals-only watchdog');
    } finally {
      session.kill();
    }
    assert.equal(await exitCode(run), 0, run.log());
    assert.equal(run.actions(), 1);
  });
});
