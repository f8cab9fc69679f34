// Resolves `ID` (commit id or machine name) for logs/cancel/publish to its launch record and
// backend, a commit to its machine (by the recorded name, else by the commit id label: a launch
// interrupted before its record said which machine, or an earlier attempt's name), and reads a
// job's log from wherever it is: the live machine or the output repository's `<id>/job.log`.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { PublishedLog } from '../../adapters/output-repo/job-log.js';
import { findLaunch, jobDir, type LaunchRecord } from '../../adapters/store/jobs.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/types.js';
import { isCommitId } from '../../core/commit/ids.js';
import { commitOfMachine } from '../../core/logs/text.js';
import { commitOfListed, machineByNameOrCommit } from '../../core/machine-match.js';
import type { Machine } from '../../core/model.js';
import type { ComputeBackend } from '../../core/ports/backend.js';
import { UserError } from '../../errors.js';
import { mymlopsHome } from '../../util/paths.js';
import { HOME } from '../../util/home-layout.js';
import { backendFor } from '../context.js';
import { config } from '../options.js';

function notLaunchedHere(id: string, home: string, more = ''): UserError {
  return new UserError(
    `no job ${id} was launched from this machine (${HOME.jobs(home)})${more}`,
    'pass a commit id shown by `mymlops commit` or `mymlops status`',
  );
}

export function jobTarget(
  id: string,
  home: string = mymlopsHome(),
): { rec: LaunchRecord; backend: ComputeBackend } {
  const rec = findLaunch(id, home);
  if (!rec) {
    // A reserved folder without a record: the CLI stopped before it asked for any machine.
    if (isCommitId(id) && existsSync(jobDir(id, home)))
      throw new UserError(
        `commit ${id} never reached its launch (the CLI stopped before asking for a machine): nothing runs`,
        'commit the notebook again',
      );
    throw notLaunchedHere(id, home);
  }
  return { rec, backend: backendFor({ backend: rec.backend }, home) };
}

/** Whether `id` (commit id or machine name) has a launch record in this home. */
export function launchedHere(id: string, home: string = mymlopsHome()): boolean {
  return findLaunch(id, home) !== null;
}

export interface ListedMachine {
  machine: Machine;
  backend: ComputeBackend;
}

/**
 * NAME or commit ID among every machine the configured backend lists (on gce every VM carrying the
 * `mymlops` label, whoever launched it); null when none matches or there is no config to ask with.
 */
export async function listedMachine(
  id: string,
  cmd: Command,
  home: string = mymlopsHome(),
): Promise<ListedMachine | null> {
  let cfg: Config;
  try {
    cfg = config(cmd);
  } catch (e) {
    if (e instanceof UserError) return null;
    throw e;
  }
  const backend = backendFor(cfg, home);
  const machine = machineByNameOrCommit(id, await backend.list());
  return machine ? { machine, backend } : null;
}

/**
 * What `cancel ID` stops: the machine of a commit launched here (by its record), else a commit
 * machine the configured backend lists by that name or commit id.
 */
export async function cancelTarget(
  id: string,
  cmd: Command,
  home: string = mymlopsHome(),
): Promise<{ commit: string; machine: Machine | undefined; backend: ComputeBackend }> {
  if (!launchedHere(id, home)) {
    const listed = await listedMachine(id, cmd, home);
    if (listed?.machine.kind === 'start')
      throw new UserError(
        `${id} is a dev machine, not a commit`,
        `stop it with \`mymlops stop ${id}\` or delete it with \`mymlops delete ${id}\``,
      );
    if (listed) return { commit: commitOfListed(listed.machine) ?? listed.machine.name, ...listed };
  }
  const { rec, backend } = jobTarget(id, home);
  const machine = machineOf(rec, await backend.list());
  if (!machine && rec.state === 'launching')
    throw new UserError(
      `commit ${rec.commit} has no machine: its launch was interrupted before one was created`,
      'nothing runs; commit again or `mymlops retry` it',
    );
  return { commit: rec.commit, machine, backend };
}

/** The commit's machine among `machines`: the recorded one, else its newest labelled one. */
export function machineOf(rec: LaunchRecord, machines: Machine[]): Machine | undefined {
  const named = machines.find((m) => m.name === rec.machine);
  if (named) return named;
  const own = machines.filter((m) => m.kind === 'commit' && m.commitId === rec.commit);
  return own.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')).pop();
}

export interface LogSource {
  commitId: string;
  /** The launch record and its backend, when the commit was launched from this home. */
  live: { rec: LaunchRecord; backend: ComputeBackend } | null;
  /** The job.log the job pushed to the output repository (null: not published, or no config). */
  published(): Promise<PublishedLog | null>;
}

/** Where `logs ID` reads from; throws the one-line error when ID names nothing anywhere. */
export function logSource(id: string, cmd: Command, home: string = mymlopsHome()): LogSource {
  const rec = findLaunch(id, home);
  const commitId = rec?.commit ?? (isCommitId(id) ? id : commitOfMachine(id));
  if (!commitId) throw notLaunchedHere(id, home);
  let cfg: Config | null | undefined;
  const loadCfg = (): Config | null => {
    if (cfg !== undefined) return cfg;
    try {
      cfg = config(cmd);
    } catch (e) {
      // Without a config there is no output repository to ask; a launch record is enough then.
      if (!(e instanceof UserError)) throw e;
      if (!rec) throw notLaunchedHere(id, home, ', and no mymlops.yml here names an output repository');
      cfg = null;
    }
    return cfg;
  };
  // Loading a config registers its .env secrets, so a live log printed from here is redacted too:
  // the one here, and the one the commit was launched with (`logs` may run from anywhere).
  if (rec) {
    loadCfg();
    if (rec.config_file)
      try {
        loadConfig({ file: rec.config_file });
      } catch {
        // Moved or broken since: the secrets of the config here (if any) are all there is.
      }
  }
  return {
    commitId,
    live: rec ? { rec, backend: backendFor({ backend: rec.backend }, home) } : null,
    async published() {
      const c = loadCfg();
      if (!c?.commit) return null;
      const { readPublishedLog } = await import('../../adapters/output-repo/job-log.js');
      return readPublishedLog(c, home, commitId);
    },
  };
}

/** The one-line error for a commit whose log is nowhere. */
export function noLog(id: string, home: string = mymlopsHome()): UserError {
  return notLaunchedHere(id, home, ` and the output repository has no ${id}/job.log`);
}
