// The one place processes are spawned from (adapters call it; core code never does).
import { spawn } from 'node:child_process';
import { debug } from './log.js';

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
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  debug('exec (interactive)', file, args.join(' '), opts.cwd ? `(in ${opts.cwd})` : '');
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
