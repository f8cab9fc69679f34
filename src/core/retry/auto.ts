// Automatic retries after preemption (commit.retry.preempted: N), shared by the two watchers: the
// `commit` CLI following its log (followWithRetry) and the dashboard's refresh loop
// (PreemptionWatcher). Each preempted machine is relaunched at most once and a commit at most N
// times in all: the right to relaunch is claimed atomically in the commit's job folder
// (deps.claimRetry), so a follower and several dashboards never relaunch the same preemption twice.
import type { ComputeBackend } from '../ports/backend.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { Config } from '../../config/types.js';
import { followLog } from '../commit/follow.js';
import { endedByShutdown, type JobOutcome } from '../commit/outcome.js';
import type { CommitRow } from '../status/types.js';
import { type AutoRetryDeps, retryCommit } from './retry.js';

export interface RetryCandidate {
  commitId: string;
  /** The preempted machine (the launch record's current one). */
  machine: string;
  /** Which automatic retry this would be (1-based). */
  retry: number;
}

/**
 * Pure: the status rows whose preemption should be relaunched now. A row qualifies when it is
 * stopped because of a preemption, the preempted machine is still the commit's current launch (not
 * already relaunched by `mymlops retry` or another watcher), that machine's retry is not claimed,
 * and fewer than `max` automatic retries were made.
 */
export function preemptionsToRetry(
  rows: readonly CommitRow[],
  max: number,
  launchOf: (commitId: string) => Pick<LaunchRecord, 'machine' | 'backend'> | null,
  claimsOf: (commitId: string) => readonly string[],
): RetryCandidate[] {
  if (max <= 0) return [];
  const out: RetryCandidate[] = [];
  for (const row of rows) {
    if (row.status !== 'stopped' || row.reason !== 'preempted' || !row.machine) continue;
    const rec = launchOf(row.id);
    if (!rec || rec.machine !== row.machine.name || (row.backend && rec.backend !== row.backend)) continue;
    const claims = claimsOf(row.id);
    if (claims.includes(row.machine.name) || claims.length >= max) continue;
    out.push({ commitId: row.id, machine: row.machine.name, retry: claims.length + 1 });
  }
  return out;
}

export interface FollowRetryOptions {
  config: Config;
  commitId: string;
  backend: ComputeBackend;
  machineName: string;
  deps: AutoRetryDeps;
  write: (text: string) => void;
  notify: (line: string) => void;
  signal?: AbortSignal;
  sshOptions?: string[];
  /** How long to wait for another watcher's relaunch to be recorded (ms). */
  handoverTimeoutMs?: number;
}

export async function followWithRetry(
  o: FollowRetryOptions,
): Promise<{ outcome: JobOutcome | null; next: number; machineName: string; retries: number }> {
  const max = o.config.commit?.retry.preempted ?? 0;
  let machineName = o.machineName;
  let retries = 0;
  for (;;) {
    const res = await followLog(o.backend, machineName, {
      write: o.write,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    // Only a job a shutdown may have ended may be relaunched; any other result is final.
    const final = !endedByShutdown(res.outcome);
    // Only a backend that can tell a preemption from other stops relaunches (gce).
    const check = o.backend.capabilities.preemptionCheck;
    if (final || o.signal?.aborted || max <= 0 || !check) return { ...res, machineName, retries };
    if (!(await check.wasPreempted(machineName))) return { ...res, machineName, retries };
    const claims = o.deps.retryClaims(o.commitId);
    const mine = !claims.includes(machineName) && claims.length < max;
    if (mine && o.deps.claimRetry(o.commitId, machineName)) {
      retries++;
      o.notify(`mymlops: ${machineName} was preempted — relaunching (retry ${claims.length + 1} of ${max})`);
      const r = await retryCommit(o.config, o.commitId, o.deps, { sshOptions: o.sshOptions ?? [] });
      o.notify(
        `mymlops: commit ${o.commitId} attempt ${r.attempt} running on ${r.machine.name} in ${r.machine.zone}`,
      );
      machineName = r.machine.name;
      continue;
    }
    if (!o.deps.retryClaims(o.commitId).includes(machineName)) return { ...res, machineName, retries };
    // Another watcher (the dashboard) claimed this preemption: follow its relaunch once recorded.
    const next = await relaunchedMachine(o, machineName);
    if (!next) return { ...res, machineName, retries };
    o.notify(`mymlops: ${machineName} was preempted — relaunched by another mymlops as ${next}`);
    machineName = next;
  }
}

async function relaunchedMachine(o: FollowRetryOptions, preempted: string): Promise<string | null> {
  const deadline = Date.now() + (o.handoverTimeoutMs ?? 180_000);
  for (;;) {
    const rec = o.deps.readLaunch(o.commitId);
    if (rec && rec.machine !== preempted) return rec.machine;
    if (Date.now() > deadline || o.signal?.aborted) return null;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The dashboard's side: after each status refresh, relaunch what `preemptionsToRetry` selects, in
 * the background (a relaunch takes a few API calls; the page does not wait for it).
 */
export class PreemptionWatcher {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly config: Config,
    private readonly deps: AutoRetryDeps,
    private readonly notify: (line: string) => void,
    private readonly sshOptions: string[] = [],
  ) {}

  /** Starts the relaunches `rows` call for; returns the machines it claimed. */
  consider(rows: readonly CommitRow[]): string[] {
    const max = this.config.commit?.retry.preempted ?? 0;
    const todo = preemptionsToRetry(
      rows.filter((r) => !this.running.has(r.id)),
      max,
      (id) => this.deps.readLaunch(id),
      (id) => this.deps.retryClaims(id),
    );
    const claimed: string[] = [];
    for (const c of todo) {
      if (!this.deps.claimRetry(c.commitId, c.machine)) continue;
      claimed.push(c.machine);
      this.notify(
        `mymlops: ${c.machine} was preempted — relaunching commit ${c.commitId} (retry ${c.retry} of ${max})`,
      );
      const p = retryCommit(this.config, c.commitId, this.deps, { sshOptions: this.sshOptions })
        .then(
          (r) =>
            this.notify(
              `mymlops: commit ${c.commitId} attempt ${r.attempt} running on ${r.machine.name}${r.machine.zone ? ` in ${r.machine.zone}` : ''}`,
            ),
          (e: Error) =>
            this.notify(
              `mymlops: could not relaunch commit ${c.commitId}: ${e.message} — run \`mymlops retry ${c.commitId}\``,
            ),
        )
        .finally(() => this.running.delete(c.commitId));
      this.running.set(c.commitId, p);
    }
    return claimed;
  }

  /** Resolves when no relaunch is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }
}
