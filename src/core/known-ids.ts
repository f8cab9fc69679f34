// Commit ids for shell completion, read cheaply from local state (no network, no git): jobs under
// <home>/jobs/<id>/ and the ids the status index last saw for the project's output repository
// (its cache folder's `commit-ids`). With a project, another project's launch records are left out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from './commit/ids.js';
import { parseLaunchRecord } from './ports/launch-record.js';
import { inProject, type ProjectKey } from './project-scope.js';

export interface IdScope {
  project: ProjectKey;
  /** The project's output repository index's `commit-ids` file. */
  idsFile: string;
}

function launchOf(home: string, id: string): unknown {
  try {
    return JSON.parse(readFileSync(join(home, 'jobs', id, 'launch.json'), 'utf8'));
  } catch {
    return null;
  }
}

export function knownCommitIds(home: string, scope: IdScope | null = null): string[] {
  const ids = new Set<string>();
  try {
    for (const d of readdirSync(join(home, 'jobs'))) {
      if (!isCommitId(d)) continue;
      const rec = scope ? parseLaunchRecord(launchOf(home, d)) : null;
      if (!rec || !scope || inProject(rec, scope.project)) ids.add(d);
    }
  } catch {}
  // Without a project (Tab outside one): the list an older version kept for the whole home.
  const file = scope?.idsFile ?? join(home, 'cache', 'commit-ids');
  try {
    for (const l of readFileSync(file, 'utf8').split('\n')) if (isCommitId(l.trim())) ids.add(l.trim());
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
