// Commit ids and dev machine names for shell completion, read cheaply from MYMLOPS_HOME (no network,
// no git): jobs under <home>/jobs/<id>/ and the ids the status index last saw for the project's
// output repository (its cache folder's `commit-ids`). Which names count: src/core/known-ids.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { commitIdsFrom, devNamesFrom } from '../../core/known-ids.js';
import type { ProjectKey } from '../../core/project-scope.js';
import { HOME } from '../../util/home-layout.js';

export interface IdScope {
  project: ProjectKey;
  /** The project's output repository index's `commit-ids` file. */
  idsFile: string;
}

function folders(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function text(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function launchOf(home: string, id: string): unknown {
  try {
    return JSON.parse(readFileSync(HOME.launchRecord(home, id), 'utf8'));
  } catch {
    return null;
  }
}

export function knownCommitIds(home: string, scope: IdScope | null = null): string[] {
  return commitIdsFrom({
    jobFolders: folders(HOME.jobs(home)),
    launchOf: (id) => launchOf(home, id),
    // Without a project (Tab outside one): the list an older version kept for the whole home.
    listed: text(scope?.idsFile ?? HOME.homeIds(home)),
    project: scope?.project ?? null,
  });
}

/** Dev machine names started from this computer (<home>/dev/<name>/, local or GCE). */
export function knownDevNames(home: string): string[] {
  return devNamesFrom(folders(HOME.dev(home)));
}
