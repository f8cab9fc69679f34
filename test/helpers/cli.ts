// Runs the BUILT cli (bin/mymlops.cjs) as a user would. `npm test` builds first.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
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
