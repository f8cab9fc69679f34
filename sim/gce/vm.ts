// A simulated VM: the guest agent's script runner and the scripts it starts run as local processes
// in a sandbox directory (its metadata server is metadata-server.ts); the runner's log and the
// guest's console file are serial port 1. Which unit runs what, and what a stop signals, is
// shutdown.ts with the package's unit files (guest-units.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Serial port 1 keeps the last 1 MiB, with absolute byte offsets (as the real API). */
export const SERIAL_MAX = 1024 * 1024;

export class SerialBuffer {
  private buf = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  private base = 0;
  append(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (this.buf.length > SERIAL_MAX) {
      const drop = this.buf.length - SERIAL_MAX;
      this.buf = this.buf.subarray(drop);
      this.base += drop;
    }
  }
  get end(): number {
    return this.base + this.buf.length;
  }
  /** `start` < 0 means the last -start bytes; before the kept window means from its beginning. */
  read(start: number): { contents: string; start: number; next: number } {
    let s = start < 0 ? Math.max(this.base, this.end + start) : start;
    if (s < this.base) s = this.base;
    if (s > this.end) s = this.end;
    return { contents: this.buf.subarray(s - this.base).toString('utf8'), start: s, next: this.end };
  }
}

/** Every descendant pid of `root` (the job may start its own process groups, e.g. `timeout`). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** `child` and every descendant it has now (nothing once it has ended). */
export function treePids(child: ChildProcess): number[] {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return [];
  return [pid, ...descendants(pid)];
}

/** Signals `child` and every descendant; returns their pids (to power off what outlives its parent). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return [];
  const pids = [pid, ...descendants(pid)];
  killPids(pids, signal);
  return pids;
}

/** Only processes still of this VM (their environment names its sandbox): a pid may be reused. */
export function killPids(pids: number[], signal: NodeJS.Signals, sandbox?: string): void {
  for (const p of pids) {
    if (sandbox !== undefined && !ofSandbox(p, sandbox)) continue;
    try {
      process.kill(-p, signal);
    } catch {
      // not a group leader
    }
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function ofSandbox(pid: number, sandbox: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`MYMLOPS_VM_ROOT=${sandbox}`);
  } catch {
    return false;
  }
}

/**
 * Every process of the VM whose sandbox is `sandbox` (their environment names it), whoever their
 * parent is now: what a script left running outlives the runner that started it.
 */
export function sandboxPids(sandbox: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (/^\d+$/.test(e) && Number(e) !== process.pid && ofSandbox(Number(e), sandbox)) out.push(Number(e));
  }
  return out;
}

const RUNNER = fileURLToPath(new URL('./metadata-script-runner.mjs', import.meta.url));

export interface GuestProcessOptions {
  sandbox: string;
  env: NodeJS.ProcessEnv;
  serial: SerialBuffer;
}

/**
 * Runs one ExecStart=/ExecStop= line of the guest agent's units: google_metadata_script_runner is
 * the simulator's runner (metadata-script-runner.mjs), `/bin/true` does nothing (null). Its output
 * reaches serial port 1, as the runner's log does on a real VM.
 */
export function runUnitCommand(cmd: string[], o: GuestProcessOptions): ChildProcess | null {
  const [program = '', ...args] = cmd;
  if (program === '/bin/true') return null;
  if (basename(program) !== 'google_metadata_script_runner')
    throw new Error(`the simulator cannot run the unit command ${cmd.join(' ')}`);
  // Its own session, as systemd starts a service's processes (the script it runs stays in its group).
  const child = spawn(process.execPath, [RUNNER, ...args], {
    cwd: o.sandbox,
    env: o.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => o.serial.append(d));
  child.stderr!.on('data', (d: Buffer) => o.serial.append(d));
  child.on('error', (e) => o.serial.append(Buffer.from(`${program}: ${e.message}\n`)));
  return child;
}

export interface BootOptions extends GuestProcessOptions {
  /** The google-startup-scripts unit's ExecStart= lines. */
  execStart: string[][];
  onExit: (code: number | null) => void;
}

export interface BootedVm {
  /** The startup unit's main process: the script runner. */
  child: ChildProcess | null;
  /** Path the guest writes as its serial console (MYMLOPS_SERIAL_DEVICE). */
  console: string;
  /** Copies what the guest wrote to its console since the last call into the serial buffer. */
  drain(): void;
  /** The guest's environment (with its console), for the units' later commands (ExecStop=). */
  env: NodeJS.ProcessEnv;
}

/** Boots the guest: its console, then the startup unit's runner (which runs `startup-script`). */
export function boot(o: BootOptions): BootedVm {
  mkdirSync(join(o.sandbox, 'dev'), { recursive: true });
  // The guest's /dev/ttyS0: a plain file the simulator tails into serial port 1. Each boot starts
  // it empty (an earlier boot's output is in the serial buffer already, drained at power-off).
  const consolePath = join(o.sandbox, 'dev', 'ttyS0');
  writeFileSync(consolePath, '');
  let offset = 0;
  const drain = () => {
    let fd: number;
    try {
      fd = openSync(consolePath, 'r');
    } catch {
      return;
    }
    try {
      // The guest opens its console with `>` (a no-op on a real ttyS0, a truncation of this plain
      // file): shorter than what was read means it starts again.
      if (fstatSync(fd).size < offset) offset = 0;
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        o.serial.append(Buffer.from(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  };
  o.serial.append(Buffer.from('Booting simulated VM\n'));
  const env = { ...o.env, MYMLOPS_SERIAL_DEVICE: consolePath };
  let child: ChildProcess | null = null;
  for (const cmd of o.execStart) child = runUnitCommand(cmd, { ...o, env }) ?? child;
  if (!child) {
    o.onExit(0);
    return { child, console: consolePath, drain, env };
  }
  child.on('close', (code) => {
    drain();
    o.onExit(code);
  });
  return { child, console: consolePath, drain, env };
}
