// The tunnel runner: keeps `ssh -N -L LOCAL:127.0.0.1:REMOTE` alive for one port of one dev VM.
// The same code runs plain ssh (tests, local sshd) and `gcloud compute ssh` (GCE): only the argv
// differs. It reconnects with backoff when ssh exits and reports up / reconnecting / down, where
// "up" means the local port accepts connections.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { debug } from '../../util/log.js';

export type TunnelState = 'up' | 'reconnecting' | 'down';

/** ssh options every tunnel uses: fail fast if the port is taken, notice a dead link in ~45 s. */
export const TUNNEL_SSH_OPTIONS = [
  '-o',
  'ExitOnForwardFailure=yes',
  '-o',
  'ServerAliveInterval=15',
  '-o',
  'ServerAliveCountMax=3',
  '-o',
  'BatchMode=yes',
];

export interface TunnelSpec {
  local: number;
  remote: number;
}

/** argv for plain ssh to `target` (user@host) with extra options (port, key, known_hosts…). */
export function sshTunnelArgv(target: string, extraOptions: readonly string[], t: TunnelSpec): string[] {
  return [
    'ssh',
    '-N',
    '-L',
    `127.0.0.1:${t.local}:127.0.0.1:${t.remote}`,
    ...TUNNEL_SSH_OPTIONS,
    ...extraOptions,
    target,
  ];
}

/** argv for `gcloud compute ssh NAME --zone Z -- -N -L ...` with the same ssh options. */
export function gcloudTunnelArgv(
  vm: { name: string; zone: string; project?: string | null },
  t: TunnelSpec,
  gcloud = 'gcloud',
): string[] {
  return [
    gcloud,
    'compute',
    'ssh',
    vm.name,
    '--zone',
    vm.zone,
    ...(vm.project ? ['--project', vm.project] : []),
    '--quiet',
    '--',
    '-N',
    '-L',
    `127.0.0.1:${t.local}:127.0.0.1:${t.remote}`,
    ...TUNNEL_SSH_OPTIONS,
  ];
}

/** Delay before reconnect attempt n (0-based): 1 s, 2 s, 4 s … capped. */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
}

export interface TunnelOptions {
  /** Backoff base/cap (tests shorten them). */
  baseMs?: number;
  maxMs?: number;
  /** How long ssh may take before the local port accepts connections. */
  connectTimeoutMs?: number;
  /** A connection that lasted this long resets the backoff. */
  stableMs?: number;
}

export interface TunnelStatus {
  local: number;
  remote: number;
  state: TunnelState;
  /** Last stderr line of a failed ssh, e.g. "bind [127.0.0.1]:10000: Address already in use". */
  error: string | null;
  reconnects: number;
}

function portAccepts(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.removeAllListeners();
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export class Tunnel {
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private attempt = 0;
  private state: TunnelState = 'down';
  private error: string | null = null;
  private reconnects = 0;
  private readonly opts: Required<TunnelOptions>;

  constructor(
    readonly spec: TunnelSpec,
    private readonly argv: readonly string[],
    opts: TunnelOptions = {},
  ) {
    this.opts = { baseMs: 1000, maxMs: 30_000, connectTimeoutMs: 30_000, stableMs: 30_000, ...opts };
  }

  start(): this {
    if (!this.child && !this.closed) this.spawnOnce();
    return this;
  }

  status(): TunnelStatus {
    return { ...this.spec, state: this.state, error: this.error, reconnects: this.reconnects };
  }

  /** Pid of the current ssh process (tests kill it to simulate a dropped link). */
  pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Resolves when the tunnel is up (or rejects after timeoutMs). */
  async waitUp(timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.state === 'up') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`tunnel ${this.spec.local}→${this.spec.remote} not up: ${this.error ?? this.state}`);
  }

  close(): void {
    this.closed = true;
    this.state = 'down';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    this.child = null;
  }

  private spawnOnce(): void {
    this.state = 'reconnecting';
    const [cmd, ...args] = this.argv;
    debug('tunnel', this.argv.join(' '));
    const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const startedAt = Date.now();
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
    void this.probe(child);
    child.once('close', (code) => {
      if (this.child !== child) return;
      this.child = null;
      if (this.closed) return;
      const line = stderr.trim().split('\n').filter(Boolean).pop();
      this.error = line ?? `ssh exited with code ${code}`;
      this.state = 'down';
      if (Date.now() - startedAt >= this.opts.stableMs) this.attempt = 0;
      const delay = backoffMs(this.attempt++, this.opts.baseMs, this.opts.maxMs);
      debug('tunnel', `${this.spec.local}→${this.spec.remote} dropped (${this.error}); retry in ${delay} ms`);
      this.timer = setTimeout(() => {
        this.timer = null;
        this.reconnects++;
        if (!this.closed) this.spawnOnce();
      }, delay);
    });
  }

  /** Poll the local port until ssh has bound it, then report up. */
  private async probe(child: ChildProcess): Promise<void> {
    const end = Date.now() + this.opts.connectTimeoutMs;
    while (this.child === child && !this.closed && Date.now() < end) {
      if (await portAccepts(this.spec.local)) {
        if (this.child === child && !this.closed) {
          this.state = 'up';
          this.error = null;
        }
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    // Connected to nothing for too long (e.g. a hung gcloud): kill it so the backoff loop retries.
    if (this.child === child && !this.closed && child.exitCode === null) {
      this.error = 'timed out waiting for the tunnel';
      child.kill('SIGTERM');
    }
  }
}
