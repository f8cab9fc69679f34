// Sweep groups under <MYMLOPS_HOME>/groups/: <group>.json is the queue its detached scheduler works
// through (every run's plan and launch record, built when the sweep was committed), <group>.log the
// scheduler's decisions. Every change goes through updateGroup, under a lock directory, so the
// scheduler and `cancel GROUP` never lose each other's writes.
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { GroupFile, GroupRun, RunState } from '../../core/sweep/group.js';
import { mymlopsHome } from '../../util/paths.js';
import { writeJson } from './jobs.js';
import { HOME, placeArgs } from '../../util/home-layout.js';
import { join } from 'node:path';

export type { GroupFile, GroupRun, RunState };

export function groupsDir(home: string = mymlopsHome()): string {
  return HOME.groups(home);
}

const groupPath = (group: string, home: string) => HOME.group(home, group);

/** Claim `<group>.json` atomically (O_EXCL) at the first free id from `candidates`. */
export function reserveGroup(candidates: Iterable<string>, home: string = mymlopsHome()): string {
  mkdirSync(groupsDir(home), { recursive: true });
  for (const id of candidates) {
    try {
      closeSync(openSync(groupPath(id, home), 'wx', 0o600));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error('no free group id');
}

export function writeGroup(g: GroupFile, home: string = mymlopsHome()): void {
  writeJson(groupPath(g.group, home), g, 0o600);
}

export function readGroup(group: string, home: string = mymlopsHome()): GroupFile | null {
  try {
    const text = readFileSync(groupPath(group, home), 'utf8');
    return text.trim() === '' ? null : (JSON.parse(text) as GroupFile);
  } catch {
    return null;
  }
}

const LOCK_STALE_MS = 60_000;

/** Read-modify-write under `<group>.lock` (mkdir is atomic); a lock older than a minute is stale. */
export async function updateGroup<T>(
  group: string,
  fn: (g: GroupFile) => T,
  home: string = mymlopsHome(),
): Promise<T | null> {
  const lock = HOME.groupLock(home, group);
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS)
          rmSync(lock, { recursive: true, force: true });
      } catch {}
      if (i > 1000) throw new Error(`the group ${group} stays locked (${lock})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    const g = readGroup(group, home);
    if (!g) return null;
    const out = fn(g);
    writeGroup(g, home);
    return out;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function groupLogPath(group: string, home: string = mymlopsHome()): string {
  return HOME.groupLog(home, group);
}

export function appendGroupLog(group: string, line: string, home: string = mymlopsHome()): void {
  appendFileSync(groupLogPath(group, home), `${new Date().toISOString()} ${line}\n`);
}

/** Every sweep group of this home. */
export function listGroups(home: string = mymlopsHome()): GroupFile[] {
  let names: string[] = [];
  try {
    names = readdirSync(groupsDir(home));
  } catch {
    return [];
  }
  return names
    .map((f) => placeArgs(HOME.group, home, join(groupsDir(home), f))?.[0])
    .map((group) => (group === undefined ? null : readGroup(group, home)))
    .filter((g): g is GroupFile => g !== null);
}

const pidPath = (group: string, home: string) => HOME.groupPid(home, group);

/**
 * The scheduler claims its group (its pid, created exclusively): false when another live scheduler
 * holds it — two passes that both found the group without one may each start one, and one stays.
 */
export function claimScheduler(group: string, home: string = mymlopsHome()): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(pidPath(group, home), `${process.pid}\n`, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (schedulerAlive(group, home)) return false;
      rmSync(pidPath(group, home), { force: true });
    }
  }
  return false;
}

export function clearSchedulerPid(group: string, home: string = mymlopsHome()): void {
  rmSync(pidPath(group, home), { force: true });
}

/** Whether the group's scheduler process is alive: its pid runs `__sweep-scheduler GROUP` (not a reused pid). */
export function schedulerAlive(group: string, home: string = mymlopsHome()): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidPath(group, home), 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('__sweep-scheduler') && argv.includes(group);
  } catch {
    return false;
  }
}
