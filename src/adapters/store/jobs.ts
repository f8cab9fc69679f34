// Job records under <MYMLOPS_HOME>/jobs/<commit id>/: every launch on any backend writes launch.json
// here (status derives `lost`/`stopped` from it); the local backend also keeps its job files here.
// Ids are reserved atomically with mkdir, so concurrent CLIs never share one.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMIT_ID_RE, commitIdCandidates } from '../../core/commit/ids.js';
import type { BackendKind } from '../../core/model.js';
import type { RunParameters } from '../../core/sweep/expand.js';
import { mymlopsHome } from '../../util/paths.js';

export interface LaunchRecord {
  commit: string;
  backend: BackendKind;
  machine: string;
  zone: string | null;
  /** Notebook path inside the repository. */
  notebook: string;
  notes: string | null;
  repository: { url: string; branch: string };
  output_repository: { url: string; branch: string };
  source_commit: string;
  attempt: number;
  created_at: string;
  artifacts?: boolean;
  keep_machine?: boolean;
  /** So a retry injects the same values. */
  parameters?: RunParameters | null;
  group?: string | null;
  /** A sweep run its scheduler has not launched yet (no machine). */
  queued?: boolean;
}

export function jobsRoot(home: string = mymlopsHome()): string {
  return join(home, 'jobs');
}

export function jobDir(commitId: string, home: string = mymlopsHome()): string {
  return join(jobsRoot(home), commitId);
}

/** Reserve the first free id at or after `now` by creating its job folder; returns the id. */
export function reserveCommitId(now: Date, home: string = mymlopsHome()): string {
  mkdirSync(jobsRoot(home), { recursive: true });
  for (const id of commitIdCandidates(now)) {
    try {
      mkdirSync(jobDir(id, home));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error('no free commit id within an hour of now');
}

/** Give a reserved id back (a commit that failed before launching leaves nothing behind). */
export function releaseCommitId(commitId: string, home: string = mymlopsHome()): void {
  if (!COMMIT_ID_RE.test(commitId)) return;
  rmSync(jobDir(commitId, home), { recursive: true, force: true });
}

/** Write a file atomically (temp + rename) so readers never see half a record. */
export function writeJson(path: string, value: unknown, mode?: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, mode === undefined ? {} : { mode });
  renameSync(tmp, path);
}

export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export function recordLaunch(rec: LaunchRecord, home: string = mymlopsHome()): void {
  mkdirSync(jobDir(rec.commit, home), { recursive: true });
  writeJson(join(jobDir(rec.commit, home), 'launch.json'), rec);
}

export function readLaunch(commitId: string, home: string = mymlopsHome()): LaunchRecord | null {
  if (!COMMIT_ID_RE.test(commitId)) return null;
  return readJson<LaunchRecord>(join(jobDir(commitId, home), 'launch.json'));
}

/**
 * Claim the automatic relaunch of one preempted machine of a commit (commit.retry.preempted).
 * Atomic across processes (O_EXCL): of a `commit` CLI follower and any number of dashboards, exactly
 * one gets `true` per preempted machine. The claim files also count the automatic retries made.
 */
export function claimRetry(commitId: string, machine: string, home: string = mymlopsHome()): boolean {
  if (!COMMIT_ID_RE.test(commitId) || !/^[a-z0-9-]+$/.test(machine)) return false;
  try {
    writeFileSync(
      join(jobDir(commitId, home), `retried-${machine}.json`),
      `${JSON.stringify({ machine, at: new Date().toISOString(), pid: process.pid })}\n`,
      { flag: 'wx' },
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
  if (!COMMIT_ID_RE.test(commitId)) return [];
  try {
    return readdirSync(jobDir(commitId, home))
      .map((f) => /^retried-([a-z0-9-]+)\.json$/.exec(f)?.[1])
      .filter((m): m is string => m !== undefined);
  } catch {
    return [];
  }
}

/** Every recorded launch, newest first. Folders without launch.json (reserved, dry) are skipped. */
export function listLaunches(home: string = mymlopsHome()): LaunchRecord[] {
  let ids: string[] = [];
  try {
    ids = readdirSync(jobsRoot(home)).filter((d) => COMMIT_ID_RE.test(d));
  } catch {
    return [];
  }
  const out: LaunchRecord[] = [];
  for (const id of ids.sort().reverse()) {
    const r = readLaunch(id, home);
    if (r) out.push(r);
  }
  return out;
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
  status: 'succeeded' | 'failed' | 'cancelled';
  exit_code: number | null;
  message: string | null;
  error: { cell: number | null; ename: string; evalue: string } | null;
  published: boolean;
  finished_at: string;
}

export function readResult(commitId: string, home: string = mymlopsHome()): JobResult | null {
  return readJson<JobResult>(join(jobDir(commitId, home), 'result.json'));
}
