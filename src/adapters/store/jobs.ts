// Job records under <MYMLOPS_HOME>/jobs/<commit id>/: every launch on any backend writes launch.json
// here (status derives `lost`/`stopped` from it); the local backend also keeps its job files here.
// Ids are reserved atomically with mkdir, so concurrent CLIs never share one.
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { commitIdCandidates, isCommitId } from '../../core/commit/ids.js';
import { type LaunchRecord, parseLaunchRecord, recordFromJobJson } from '../../core/ports/launch-record.js';
import { inProject, type ProjectKey } from '../../core/project-scope.js';
import { mymlopsHome } from '../../util/paths.js';
import { mkdirPrivate, PRIVATE_DIR, PRIVATE_FILE } from '../../util/private-fs.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { HOME, placeArgs } from '../../util/home-layout.js';
import { join } from 'node:path';

export type { LaunchRecord };

export function jobsRoot(home: string = mymlopsHome()): string {
  return HOME.jobs(home);
}

export function jobDir(commitId: string, home: string = mymlopsHome()): string {
  return HOME.job(home, commitId);
}

/** Reserve the first free id at or after `now` by creating its job folder; returns the id. */
export function reserveCommitId(now: Date, home: string = mymlopsHome()): string {
  mkdirPrivate(jobsRoot(home));
  for (const id of commitIdCandidates(now)) {
    try {
      mkdirSync(jobDir(id, home), { mode: PRIVATE_DIR });
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error('no free commit id within an hour of now');
}

/** Give a reserved id back (a commit that failed before launching leaves nothing behind). */
export function releaseCommitId(commitId: string, home: string = mymlopsHome()): void {
  if (!isCommitId(commitId)) return;
  rmSync(jobDir(commitId, home), { recursive: true, force: true });
}

/** Write a file atomically (writeFileAtomic) so readers never see half a record. */
export function writeJson(path: string, value: unknown, mode?: number): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: mode ?? PRIVATE_FILE });
}

export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function recordLaunch(rec: LaunchRecord, home: string = mymlopsHome()): void {
  mkdirPrivate(jobDir(rec.commit, home));
  writeJson(HOME.launchRecord(home, rec.commit), rec);
}

export function readLaunch(commitId: string, home: string = mymlopsHome()): LaunchRecord | null {
  if (!isCommitId(commitId)) return null;
  const rec = parseLaunchRecord(readJson<unknown>(HOME.launchRecord(home, commitId)));
  if (rec) return !rec.output_repository.url ? migrateOutputRepository(rec, home) : rec;
  // A damaged launch.json must not hide a local job that may still run: its job.json says enough.
  try {
    const job = HOME.jobConfig(home, commitId);
    const back = recordFromJobJson(readJson<unknown>(job), statSync(job).mtime.toISOString());
    return back?.commit === commitId ? back : null;
  } catch {
    return null;
  }
}

/**
 * A record that does not name its output repository takes it from the job.json next to it (a
 * local job's) and is rewritten with it, so it belongs to its project from then on.
 */
function migrateOutputRepository(rec: LaunchRecord, home: string): LaunchRecord {
  const job = readJson<{ output_repository?: { url?: unknown; branch?: unknown } }>(
    HOME.jobConfig(home, rec.commit),
  );
  const o = job?.output_repository;
  if (typeof o?.url !== 'string' || !o.url || typeof o.branch !== 'string') return rec;
  const fixed = { ...rec, output_repository: { url: o.url, branch: o.branch } };
  try {
    recordLaunch(fixed, home);
  } catch {}
  return fixed;
}

/**
 * Claim the automatic relaunch of one preempted machine of a commit (commit.retry.preempted).
 * Atomic across processes (O_EXCL): of a `commit` CLI follower and any number of dashboards, exactly
 * one gets `true` per preempted machine. The claim files also count the automatic retries made.
 */
export function claimRetry(commitId: string, machine: string, home: string = mymlopsHome()): boolean {
  if (!isCommitId(commitId) || !/^[a-z0-9-]+$/.test(machine)) return false;
  try {
    writeFileSync(
      HOME.retryClaim(home, commitId, machine),
      `${JSON.stringify({ machine, at: new Date().toISOString(), pid: process.pid })}\n`,
      { flag: 'wx', mode: PRIVATE_FILE },
    );
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') return false;
    throw e;
  }
}

/** Machines of a commit whose preemption was already relaunched automatically. */
export function retryClaims(commitId: string, home: string = mymlopsHome()): string[] {
  if (!isCommitId(commitId)) return [];
  try {
    return readdirSync(jobDir(commitId, home))
      .map((f) => placeArgs(HOME.retryClaim, home, join(HOME.job(home, commitId), f))?.[1])
      .filter((m): m is string => m !== undefined && /^[a-z0-9-]+$/.test(m));
  } catch {
    return [];
  }
}

/** A reserved id whose commit never launched is given back after this long. */
const EMPTY_FOLDER_AGE_MS = 60_000;

/**
 * Every recorded launch (of `project` when given), newest first. Folders without launch.json
 * (reserved, dry) are skipped; an empty one older than a minute (a commit interrupted before its
 * launch) is removed on the way.
 */
export function listLaunches(home: string = mymlopsHome(), project?: ProjectKey): LaunchRecord[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(jobsRoot(home)).filter(isCommitId);
  } catch {
    return [];
  }
  const out: LaunchRecord[] = [];
  for (const id of ids.sort().reverse()) {
    const r = readLaunch(id, home);
    if (!r) removeIfEmptyAndOld(jobDir(id, home));
    else if (!project || inProject(r, project)) out.push(r);
  }
  return out;
}

function removeIfEmptyAndOld(dir: string): void {
  try {
    if (Date.now() - statSync(dir).mtimeMs < EMPTY_FOLDER_AGE_MS) return;
    rmdirSync(dir); // fails (and keeps it) unless the folder is empty
  } catch {}
}

/** Find a launch by commit id or machine name. */
export function findLaunch(idOrMachine: string, home: string = mymlopsHome()): LaunchRecord | null {
  const direct = readLaunch(idOrMachine, home);
  if (direct) return direct;
  return listLaunches(home).find((r) => r.machine === idOrMachine) ?? null;
}

/**
 * The job's own result, written by the job script at `$MYMLOPS_JOB_DIR/result.json` when it ends
 * (see src/core/job/script.ts). Only present where the job dir is on this machine (local backend).
 */
export interface JobResult {
  status: 'succeeded' | 'failed' | 'cancelled' | 'stopped';
  exit_code: number | null;
  message: string | null;
  error: { cell: number | null; ename: string; evalue: string } | null;
  published: boolean;
  finished_at: string;
  /** status stopped: why the machine went down (preempted | stopped). */
  reason?: string;
  /** published false: why the push failed, and the status the kept metadata.json holds. */
  publish_error?: string;
  final_status?: string;
}

export function readResult(commitId: string, home: string = mymlopsHome()): JobResult | null {
  return readJson<JobResult>(HOME.jobResult(home, commitId));
}
