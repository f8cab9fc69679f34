// One MYMLOPS_HOME serves several projects (the default ~/.mymlops does): a project is its output
// repository (URL without credentials, and branch), which every launch record names. A project's
// status, dashboard, prune and completion see only its own launch records, and no machine of a
// commit recorded here for another project.
import type { Machine } from './model.js';
import type { LaunchRecord } from './ports/launch-record.js';
import { stripUrlCredentials } from '../util/url.js';

export interface ProjectKey {
  url: string;
  branch: string;
}

export function projectKeyOf(output: { url: string; branch: string }): ProjectKey {
  return { url: stripUrlCredentials(output.url), branch: output.branch };
}

/** A record that names no output repository (hand-written, or from before they did) is everyone's. */
export function inProject(rec: Pick<LaunchRecord, 'output_repository'>, p: ProjectKey): boolean {
  const o = rec.output_repository;
  if (!o?.url) return true;
  return stripUrlCredentials(o.url) === p.url && (!o.branch || o.branch === p.branch);
}

/** The machines a project shows: all but those running a commit recorded here for another project. */
export function projectMachines(
  machines: Machine[],
  launches: readonly LaunchRecord[],
  p: ProjectKey,
): Machine[] {
  const others = new Set(launches.filter((r) => !inProject(r, p)).map((r) => r.commit));
  return machines.filter((m) => !(m.kind === 'commit' && m.commitId && others.has(m.commitId)));
}
