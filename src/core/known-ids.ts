// Commit ids for shell completion, read cheaply from local state (no network, no git):
// local jobs under <home>/jobs/<id>/ and the ids the status index last saw (<home>/cache/commit-ids).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from './commit/ids.js';

export function knownCommitIds(home: string): string[] {
  const ids = new Set<string>();
  try {
    for (const d of readdirSync(join(home, 'jobs'))) if (isCommitId(d)) ids.add(d);
  } catch {}
  try {
    for (const l of readFileSync(join(home, 'cache', 'commit-ids'), 'utf8').split('\n'))
      if (isCommitId(l.trim())) ids.add(l.trim());
  } catch {}
  return [...ids].sort().reverse();
}

/** A name that may stand for a folder <home>/dev/<name>/ (no `/`, `.` or `..`). */
export function isDevFolderName(name: string): boolean {
  return /^[a-z][-a-z0-9]*$/.test(name);
}

/** Dev machine names started from this computer (<home>/dev/<name>/, local or GCE). */
export function knownDevNames(home: string): string[] {
  try {
    return readdirSync(join(home, 'dev')).filter(isDevFolderName).sort();
  } catch {
    return [];
  }
}
