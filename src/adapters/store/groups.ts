// Sweep groups under <MYMLOPS_HOME>/groups/: <group>.json is the queue its detached scheduler works
// through (every run's plan and launch record, built when the sweep was committed), <group>.log the
// scheduler's decisions. Every change goes through updateGroup, under a lock directory, so the
// scheduler and `cancel GROUP` never lose each other's writes.
import { appendFileSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupFile, GroupRun, RunState } from '../../core/sweep/group.js';
import { mymlopsHome } from '../../util/paths.js';
import { writeJson } from './jobs.js';

export type { GroupFile, GroupRun, RunState };

export function groupsDir(home: string = mymlopsHome()): string {
  return join(home, 'groups');
}

const groupPath = (group: string, home: string) => join(groupsDir(home), `${group}.json`);

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
  const lock = join(groupsDir(home), `${group}.lock`);
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
  return join(groupsDir(home), `${group}.log`);
}

export function appendGroupLog(group: string, line: string, home: string = mymlopsHome()): void {
  appendFileSync(groupLogPath(group, home), `${new Date().toISOString()} ${line}\n`);
}
