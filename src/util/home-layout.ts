// Where each thing lives under MYMLOPS_HOME: one table, read by every store and adapter that opens a
// file of the home and rendered into the README ("MYMLOPS_HOME layout", checked by
// test/unit/store/home-layout.test.ts). A place is a path template under the home; `<name>` parts are
// filled in order (ids and names are checked by their owners before they get here). Each place is
// also a function: `HOME.launchRecord(home, id)`.
import { join, relative } from 'node:path';

/** The `<…>` parts of a template, one string each. */
type Params<T extends string> = T extends `${string}<${string}>${infer Rest}`
  ? [string, ...Params<Rest>]
  : [];

export type Place<T extends string> = ((home: string, ...args: Params<T>) => string) & {
  template: T;
  what: string;
};

function place<const T extends string>(template: T, what: string): Place<T> {
  const at = (home: string, ...args: string[]) => {
    let i = 0;
    return join(
      home,
      template.replace(/<[^>]+>/g, () => args[i++] ?? ''),
    );
  };
  return Object.assign(at as (home: string, ...args: Params<T>) => string, { template, what });
}

export const HOME = {
  jobs: place('jobs', 'one folder per commit launched from this home'),
  job: place('jobs/<id>', "a commit's folder (the local backend runs the job in it; gce keeps gce.json)"),
  launchRecord: place('jobs/<id>/launch.json', 'the launch record: project, backend, machine, attempts'),
  jobConfig: place('jobs/<id>/job.json', "the job's configuration (local backend)"),
  jobResult: place('jobs/<id>/result.json', 'how a local job ended'),
  jobLog: place('jobs/<id>/job.log', "a local job's log"),
  jobRepo: place('jobs/<id>/work/repo', "a local job's clone (`ssh ID` starts there)"),
  jobOutcome: place('jobs/<id>/outcome.json', 'how a followed job ended (for "usually ~4m")'),
  retryClaim: place('jobs/<id>/retried-<machine>.json', 'the claim of one automatic relaunch'),
  dev: place('dev', 'one folder per dev machine started from this home'),
  devMachine: place('dev/<name>', "a dev machine's folder (the local backend runs it in it)"),
  devRecord: place('dev/<name>/machine.json', 'where `logs NAME` finds the machine again'),
  devRepo: place('dev/<name>/repo', "a local dev machine's clone"),
  devLog: place('dev/<name>/job.log', "a local dev machine's log"),
  devDeletedLog: place('dev/deleted.log', 'dev machines deleted by start.idle_shutdown.delete_after'),
  groups: place('groups', 'sweep groups'),
  group: place('groups/<group>.json', "a sweep's queue"),
  groupLock: place('groups/<group>.lock', "the lock of a sweep's queue"),
  groupLog: place('groups/<group>.log', "the sweep scheduler's decisions"),
  groupPid: place('groups/<group>.pid', "the sweep scheduler's pid"),
  repos: place('repos', 'bare repositories made by `init`'),
  bareRepo: place(
    'repos/<name>.git',
    'the output repository (`<project>-output`), the code one without an origin',
  ),
  tmp: place('tmp', "snapshots' scratch folders"),
  outputRepoCache: place('cache/output-repo/<key>', "an output repository's mirror and index"),
  outputRepoIds: place('cache/output-repo/<key>/commit-ids', 'the commit ids its index saw (Tab completion)'),
  homeIds: place('cache/commit-ids', 'the commit ids of the whole home (written by older versions)'),
  codeRepoMirror: place('cache/code-repo/<key>.git', 'a code repository mirror (code diffs, images)'),
  artifacts: place('cache/artifacts', 'verified copies of stored artifacts'),
  guestAttributes: place('cache/guest-attributes', 'guest attributes read from gce machines'),
  note: place('cache/notes/<topic>', 'the last note said on a topic'),
  tunnels: place('cache/tunnels.json', "the dashboard's tunnel ports"),
  gcePrices: place('cache/gce-prices.json', 'Compute Engine prices'),
  gcloudToken: place('cache/gcloud-token.json', "gcloud's access token"),
  codeCache: place(
    'cache/code/<command>.v8',
    'V8 code caches (bin/mymlops.cjs, which runs before any module)',
  ),
  privateStamp: place('.private-<version>', 'the home was made private by this version'),
} as const;

/** The `<…>` parts of `path` when it is the place `p` under `home` (each part one file name), else null. */
export function placeArgs(p: { template: string }, home: string, path: string): string[] | null {
  const parts = p.template.split(/<[^>]+>/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const m = new RegExp(`^${parts.join('([^/]+)')}$`).exec(relative(home, path));
  return m ? m.slice(1) : null;
}

/** The places in table order, for the README. */
export const HOME_LAYOUT: readonly { template: string; what: string }[] = Object.values(HOME);
