// Dev machines on the local backend: the dev script (src/core/devvm/script.ts) runs detached in
// its own process group, in <home>/dev/<name>/: job.sh, job.json, keys/, pid, job.log, repo/,
// command.pid, dev-state.json (the command's state), idle.json + watchdog.log (the watchdog),
// created.json, stopped.json (`mymlops stop`).
import { jobAlive, jobEnv, readPid, spawnJob } from './spawn-job.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandEnded, logTail, parseDevState } from '../../../core/devvm/dev-state.js';
import { idleReport, parseWatchdogState } from '../../../core/devvm/watchdog.js';
import { isDevFolderName } from '../../../core/known-ids.js';
import type { DevMachine, LogChunk } from '../../../core/model.js';
import { err, ok, type Result } from '../../../errors.js';
import type { LaunchFailure, Launched, StartPlan } from '../../../core/ports/backend.js';
import { credentialKeyFiles } from '../../git/job-credentials.js';
import { readLogFile } from './log-file.js';
import { envWithPrefix } from '../../../util/env.js';
import { HOME } from '../../../util/home-layout.js';

export function devRoot(home: string): string {
  return HOME.dev(home);
}

export function devDir(home: string, name: string): string {
  return HOME.devMachine(home, name);
}

export class LocalDevMachines {
  constructor(readonly home: string) {}

  exists(name: string): boolean {
    return existsSync(join(devDir(this.home, name), 'job.sh'));
  }

  running(name: string): boolean {
    const dir = devDir(this.home, name);
    const pid = readPid(join(dir, 'pid'));
    return pid !== null && jobAlive(pid, dir);
  }

  /** Creates <home>/dev/<name>/ and starts the dev script detached. Refuses an existing name. */
  async launch(plan: StartPlan): Promise<Result<Launched, LaunchFailure>> {
    const dir = devDir(this.home, plan.machineName);
    mkdirSync(devRoot(this.home), { recursive: true });
    try {
      mkdirSync(dir); // atomic: two `start --name x` at once cannot both win
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        return err({
          code: 'exists',
          message: `a dev machine named ${plan.machineName} already exists`,
          zonesTried: [],
        });
      throw e;
    }
    writeFileSync(join(dir, 'job.sh'), plan.jobScript, { mode: 0o700 });
    writeFileSync(join(dir, 'job.json'), `${JSON.stringify(plan.jobConfig, null, 2)}\n`, { mode: 0o600 });
    // The deploy key and the credentials of an https URL (keys/repository.cred), private to the job.
    const keys: Record<string, string | Buffer> = credentialKeyFiles(plan.credentials);
    if (plan.keys.repository) keys['repository'] = readFileSync(plan.keys.repository);
    for (const [file, content] of Object.entries(keys)) {
      mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'keys', file), content, { mode: 0o600 });
    }
    const createdAt = new Date().toISOString();
    writeFileSync(
      join(dir, 'created.json'),
      `${JSON.stringify({ name: plan.machineName, created_at: createdAt })}\n`,
    );
    const started = await this.spawn(dir);
    if (!started.ok) return started;
    return ok({ machine: this.machine(plan.machineName), zonesTried: [] });
  }

  private spawn(dir: string): ReturnType<typeof spawnJob> {
    // The watchdog's injected readings (MYMLOPS_WD_*) are for tests of the script itself only;
    // MYMLOPS_DEV_WD_* passes them on as MYMLOPS_WD_* (a test's fake /proc/stat).
    const env = jobEnv(dir, ['MYMLOPS_WD_']);
    for (const [k, v] of envWithPrefix('MYMLOPS_DEV_WD_*'))
      env[`MYMLOPS_${k.slice('MYMLOPS_DEV_'.length)}`] = v;
    return spawnJob(join(dir, 'job.sh'), dir, env);
  }

  /** Runs a stopped machine's dev script again (no new clone: the flag in .git says it is there). */
  async resume(name: string): Promise<Result<DevMachine, LaunchFailure>> {
    const dir = devDir(this.home, name);
    for (const f of ['stopped.json', 'dev-state.json', 'idle.json']) rmSync(join(dir, f), { force: true });
    const started = await this.spawn(dir);
    if (!started.ok) return started;
    return ok(this.machine(name));
  }

  /** Stops the machine, then removes its folder (clone included). */
  async delete(name: string): Promise<void> {
    if (this.running(name)) await this.stop(name);
    rmSync(devDir(this.home, name), { recursive: true, force: true });
  }

  machine(name: string): DevMachine {
    const dir = devDir(this.home, name);
    const running = this.running(name);
    let idle = null;
    try {
      idle = parseWatchdogState(readFileSync(join(dir, 'idle.json'), 'utf8'));
    } catch {}
    let createdAt: string | null = null;
    try {
      createdAt = (JSON.parse(readFileSync(join(dir, 'created.json'), 'utf8')) as { created_at: string })
        .created_at;
    } catch {}
    let dev = null;
    try {
      dev = parseDevState(readFileSync(join(dir, 'dev-state.json'), 'utf8'));
    } catch {}
    if (dev && commandEnded(dev)) dev.log_tail = logTail(this.readLogTail(name));
    // Why it is not running, most telling first: `mymlops stop`, the watchdog, the command's end.
    const reason = running
      ? null
      : existsSync(join(dir, 'stopped.json'))
        ? 'by_you'
        : idle?.state === 'stopped' || idle?.state === 'acting'
          ? 'idle'
          : commandEnded(dev)
            ? 'exited'
            : 'killed';
    return {
      stoppedAt: running
        ? null
        : this.stoppedAt(dir, reason, idle?.updated_at ?? null, dev?.updated_at ?? null),
      kind: 'start',
      name,
      backend: 'local',
      zone: null,
      state: running ? 'running' : 'stopped',
      reason,
      createdAt,
      machineType: null,
      accelerator: null,
      metadata: {},
      dev,
      idle: idleReport(idle, running),
      deletesAt: null,
      sshTarget: null,
    };
  }

  /**
   * Since when a stopped machine has been stopped (start.idle_shutdown.delete_after counts from it):
   * what said it stopped, else the log's last write (a command that was killed says nothing).
   */
  private stoppedAt(
    dir: string,
    reason: string | null,
    idleAt: string | null,
    devAt: string | null,
  ): string | null {
    let said: string | null = null;
    if (reason === 'by_you') {
      try {
        said =
          (JSON.parse(readFileSync(join(dir, 'stopped.json'), 'utf8')) as { requested_at?: string })
            .requested_at ?? null;
      } catch {}
    } else if (reason === 'idle') said = idleAt;
    else if (reason === 'exited') said = devAt;
    if (said && !Number.isNaN(Date.parse(said))) return new Date(said).toISOString();
    try {
      return statSync(join(dir, 'job.log')).mtime.toISOString();
    } catch {
      return null;
    }
  }

  list(): DevMachine[] {
    let names: string[] = [];
    try {
      names = readdirSync(devRoot(this.home));
    } catch {
      return [];
    }
    return names.filter((n) => this.exists(n)).map((n) => this.machine(n));
  }

  /** The clone of a dev machine (for `commit --instance` on the local backend). */
  repoDir(name: string): string {
    return HOME.devRepo(this.home, name);
  }

  private readLogTail(name: string): string {
    const file = HOME.devLog(this.home, name);
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {}
    return readLogFile(file, Math.max(0, size - 8192), true).text;
  }

  readLog(name: string, from: number): LogChunk {
    const done = !this.running(name);
    return readLogFile(HOME.devLog(this.home, name), from, done);
  }

  /** Stops the dev script and its command (SIGTERM to the groups, then SIGKILL). */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const dir = devDir(this.home, name);
    writeFileSync(
      join(dir, 'stopped.json'),
      `${JSON.stringify({ requested_at: new Date().toISOString() })}\n`,
    );
    const pids = [readPid(join(dir, 'pid')), readPid(join(dir, 'command.pid'))].filter(
      (p): p is number => p !== null,
    );
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGTERM');
      } catch {}
    }
    const end = Date.now() + graceMs;
    while (Date.now() < end && this.running(name)) await new Promise((r) => setTimeout(r, 100));
    for (const p of pids) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {}
    }
  }
}

/** What `mymlops logs NAME` needs to find a dev machine again: <home>/dev/<name>/machine.json. */
export interface DevRecord {
  name: string;
  backend: 'local' | 'gce';
  zone: string | null;
  created_at: string;
}

export function recordDevMachine(home: string, rec: DevRecord): void {
  mkdirSync(devDir(home, rec.name), { recursive: true });
  writeFileSync(HOME.devRecord(home, rec.name), `${JSON.stringify(rec, null, 2)}\n`);
}

export function findDevMachine(home: string, name: string): DevRecord | null {
  if (!isDevFolderName(name)) return null;
  try {
    return JSON.parse(readFileSync(HOME.devRecord(home, name), 'utf8')) as DevRecord;
  } catch {
    return null;
  }
}

/** Removes what this computer knows of a deleted dev machine. */
export function forgetDevMachine(home: string, name: string): void {
  if (isDevFolderName(name)) rmSync(devDir(home, name), { recursive: true, force: true });
}
