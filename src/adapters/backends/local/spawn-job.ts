// Starting a local job (commit job or dev machine script): `bash <script>` as a detached process
// group that outlives the CLI, output appended to <dir>/job.log, its pid in <dir>/pid.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../../errors.js';
import { spawnDetached } from '../../../util/exec.js';

/**
 * The job's environment: this process's, minus git's per-repository variables (from the user's
 * shell or hooks) and any prefix in `drop`, plus MYMLOPS_JOB_DIR.
 */
export function jobEnv(dir: string, drop: string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('GIT_') && !drop.some((p) => k.startsWith(p))) env[k] = v;
  env['MYMLOPS_JOB_DIR'] = dir;
  return env;
}

export async function spawnJob(
  script: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<Result<number, { code: 'other'; message: string; zonesTried: [] }>> {
  try {
    const pid = await spawnDetached('bash', [script], { cwd: dir, env, logFile: join(dir, 'job.log') });
    writeFileSync(join(dir, 'pid'), `${pid}\n`);
    return ok(pid);
  } catch (e) {
    return err({ code: 'other', message: `could not start bash: ${(e as Error).message}`, zonesTried: [] });
  }
}

/** A pid file (<dir>/pid as spawnJob writes it, or the job's own); null when absent or not a pid. */
export function readPid(file: string): number | null {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** Whether `pid` is still alive and, guarding against pid reuse, still <dir>/job.sh (Linux /proc). */
export function jobAlive(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'job.sh'));
  } catch {
    return true;
  }
}
