// Short commands (exec), interactive ones (execInteractive) and detached long-lived ones
// (spawnDetached): how adapters and the app start processes; core code never does.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { debug } from './log.js';
import { UserError } from '../errors.js';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Resolve instead of rejecting on a non-zero exit. */
  allowFail?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ExecError extends Error {
  constructor(
    readonly cmd: string,
    readonly result: ExecResult,
  ) {
    super(`${cmd} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

export function exec(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  debug('exec', file, args.join(' '), opts.cwd ? `(in ${opts.cwd})` : '');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const errb: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => errb.push(d));
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = {
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errb).toString('utf8'),
      };
      if (result.code !== 0 && !opts.allowFail)
        reject(new ExecError(`${file} ${args[0] ?? ''}`.trim(), result));
      else resolve(result);
    });
    // A program may exit before it has read its input (git refusing to run outside a repository):
    // the broken pipe is not the failure, its exit code and stderr are, and 'close' reports them.
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Runs an interactive program on this terminal (stdio inherited); resolves with its exit code. */
export function execInteractive(
  file: string,
  args: string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** The fix when `file` is not installed. */
    missing?: string;
  } = {},
): Promise<number> {
  debug('exec (interactive)', file, args.join(' '), opts.cwd ? `(in ${opts.cwd})` : '');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'inherit' });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new UserError(`cannot run ${file}: no such program`, opts.missing ?? 'install it, or fix PATH')
          : e,
      ),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Starts a process that outlives this one (its own process group, stdout and stderr appended to
 * `logFile`, mode 0600); resolves with its pid once it has started.
 */
export async function spawnDetached(
  file: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv; logFile: string },
): Promise<number> {
  debug('spawn (detached)', file, args.join(' '));
  const log = openSync(opts.logFile, 'a', 0o600);
  try {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: opts.env,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    return pid;
  } finally {
    closeSync(log);
  }
}
