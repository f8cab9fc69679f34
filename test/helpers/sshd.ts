// A real OpenSSH server on 127.0.0.1 for tests: its own host key, one client key in
// authorized_keys, a random free port. `ssh(...)`/`sshArgs()` give a client that reaches it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sshd {
  port: number;
  /** Pid of the listening sshd (every session process descends from it). */
  pid: number;
  dir: string;
  /** Private key accepted by the server (mode 0600). */
  clientKey: string;
  /** ssh options reaching this server: use as `ssh ...sshOptions() root@127.0.0.1 cmd`. */
  sshOptions(): string[];
  /** `root@127.0.0.1` */
  target: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port (e.g. an ssh -L forward is up). */
export function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.once('connect', () => done(true));
    c.once('error', () => done(false));
    c.once('timeout', () => done(false));
  });
}

/** GitHub's words when a read-only deploy key tries to push. */
export const READ_ONLY_KEY_MESSAGE =
  'ERROR: The key you are authenticating with has been marked as read only.';

/**
 * A new key accepted by `sshd`; with `readOnly`, a forced command refuses git-receive-pack (push)
 * with GitHub's message and runs every other command (fetch) as asked.
 */
export function addClientKey(sshd: Sshd, name: string, opts: { readOnly?: boolean } = {}): string {
  const key = join(sshd.dir, name);
  keygen(key);
  chmodSync(key, 0o600);
  const pub = readFileSync(`${key}.pub`, 'utf8');
  if (!opts.readOnly) {
    appendFileSync(join(sshd.dir, 'authorized_keys'), pub);
    return key;
  }
  const gate = join(sshd.dir, `${name}-gate.sh`);
  writeFileSync(
    gate,
    `#!/bin/sh\ncase "$SSH_ORIGINAL_COMMAND" in\n  git-receive-pack*) echo "${READ_ONLY_KEY_MESSAGE}" >&2; exit 1 ;;\n` +
      `  *) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;\nesac\n`,
    { mode: 0o755 },
  );
  appendFileSync(join(sshd.dir, 'authorized_keys'), `command="${gate}",no-port-forwarding,no-pty ${pub}`);
  return key;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Starts sshd; resolves once it accepts connections. Always `await sshd.stop()` in an after hook. */
export async function startSshd(opts: { user?: string } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'mymlops-sshd-'));
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  copyFileSync(join(dir, 'client_key.pub'), join(dir, 'authorized_keys'));
  chmodSync(join(dir, 'client_key'), 0o600);
  // sshd insists on its privilege-separation directory (absent in containers).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'PermitTTY yes',
      'LogLevel ERROR',
      'MaxStartups 50',
      'Subsystem sftp internal-sftp',
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const user = opts.user ?? 'root';
  const sshOptions = (): string[] => [
    '-p',
    String(port),
    '-i',
    join(dir, 'client_key'),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'LogLevel=ERROR',
  ];
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Wait until a real login works (sshd needs a moment to bind).
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    const r = spawnSync('ssh', [...sshOptions(), `${user}@127.0.0.1`, 'true'], { timeout: 10_000 });
    if (r.status === 0)
      return {
        port,
        pid: child.pid!,
        dir,
        clientKey: join(dir, 'client_key'),
        sshOptions,
        target: `${user}@127.0.0.1`,
        stop,
      };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`sshd did not accept logins: ${stderr}`);
}
