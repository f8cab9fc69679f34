// Runs the BUILT cli (bin/mymlops.cjs) as a user would. `npm test` builds first.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'mymlops.cjs');

export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'cli.cjs')))
    throw new Error('dist/ is missing: run `npm run build` first');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): CliResult {
  ensureBuilt();
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A folder with a `mymlops` executable in it, for PATH (shell completion tests). */
export function binDir(tmp: string): string {
  const dir = join(tmp, 'bin');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'mymlops'))) symlinkSync(BIN, join(dir, 'mymlops'));
  return dir;
}

/**
 * A process run without blocking the event loop, for tests whose simulator or server lives in
 * this process and must keep answering; killed after `timeoutMs`.
 */
export function runAsync(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; onStderr?: (all: string) => void } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      opts.onStderr?.(stderr);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The built CLI through runAsync, with NO_COLOR set like runCli. */
export function runCliAsync(
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; onStderr?: (all: string) => void },
): Promise<CliResult> {
  ensureBuilt();
  return runAsync(process.execPath, [BIN, ...args], { ...opts, env: { ...opts.env, NO_COLOR: '1' } });
}
