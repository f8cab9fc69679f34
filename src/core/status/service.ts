// One status snapshot from the three sources, for every view. The sources are adapters handed in
// by the caller (the output repository index, the backend, the launch records), so this file stays
// free of processes and I/O of its own.
import { createHash } from 'node:crypto';
import type { BackendKind, Machine } from '../model.js';
import { isUp } from '../machine-state.js';
import { devVmRows, mergeStatus, runningCount, vanishedWarning } from './merge.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { CommitRow, DevVmRow, OutputRecord } from './types.js';

export interface RepoRefresh {
  records: OutputRecord[];
  /** A warning to show (fetch failed, …); the records are then the last ones read. */
  warning: string | null;
  /** Results once seen on the output branch that it no longer holds (history rewritten). */
  vanished?: string[];
}

export interface StatusSources {
  backend: BackendKind;
  /** `force` bypasses the fetch throttle (a machine just went away: its final push is due). */
  refreshRepo(force: boolean): Promise<RepoRefresh>;
  listMachines(): Promise<Machine[]>;
  listLaunches(): Promise<LaunchRecord[]>;
  /** Dev-VM ports/tunnels; rows pass through unchanged when absent. */
  decorateDevVms?(rows: DevVmRow[]): DevVmRow[];
  now?(): Date;
}

export interface StatusSnapshot {
  generated_at: string;
  /** Changes whenever anything shown changes (ETag / "since" for polling clients). */
  version: string;
  running: number;
  commits: CommitRow[];
  dev_vms: DevVmRow[];
  warnings: string[];
}

export class StatusService {
  private liveBefore = new Set<string>();
  /** The last snapshot and what it was built from: unchanged inputs return it as it is. */
  private last: { records: OutputRecord[]; key: string; snap: StatusSnapshot } | null = null;

  constructor(private readonly sources: StatusSources) {}

  async snapshot(): Promise<StatusSnapshot> {
    const warnings: string[] = [];
    // Machines first: a machine that is gone now pushed its result before it went, so the fetch
    // that follows sees it.
    let machines: Machine[] | null;
    try {
      machines = await this.sources.listMachines();
    } catch (e) {
      machines = null;
      warnings.push(`could not list ${this.sources.backend} machines: ${(e as Error).message}`);
    }
    const live = new Set((machines ?? []).filter(isUp).map((m) => m.name));
    const vanished = [...this.liveBefore].some((n) => !live.has(n));
    this.liveBefore = live;
    const repo = await this.sources.refreshRepo(vanished);
    if (repo.warning) warnings.push(repo.warning);
    const gone = vanishedWarning(repo.vanished ?? []);
    if (gone) warnings.push(gone);
    let launches: LaunchRecord[] = [];
    try {
      launches = await this.sources.listLaunches();
    } catch (e) {
      warnings.push(`could not read launch records: ${(e as Error).message}`);
    }
    const now = this.sources.now?.() ?? new Date();
    // The repository index hands back the same array while its head has not moved; time enters
    // through the launch grace period, so a snapshot is rebuilt at least every 15 s anyway.
    let dev = devVmRows(machines);
    if (this.sources.decorateDevVms) dev = this.sources.decorateDevVms(dev);
    const key = JSON.stringify([machines, dev, launches, warnings, Math.floor(now.getTime() / 15_000)]);
    if (this.last && this.last.records === repo.records && this.last.key === key) return this.last.snap;
    const commits = mergeStatus({
      records: repo.records,
      machines,
      launches,
      backend: this.sources.backend,
      now,
      vanished: repo.vanished ?? [],
    });
    const body = JSON.stringify([commits, dev, warnings]);
    const snap: StatusSnapshot = {
      generated_at: now.toISOString(),
      version: createHash('sha1').update(body).digest('hex').slice(0, 16),
      running: runningCount(commits),
      commits,
      dev_vms: dev,
      warnings,
    };
    // Same content as before (e.g. only the 15 s tick passed): keep the old object so callers can
    // reuse what they derived from it.
    if (this.last && this.last.snap.version === snap.version) {
      this.last = { records: repo.records, key, snap: this.last.snap };
      return this.last.snap;
    }
    this.last = { records: repo.records, key, snap };
    return snap;
  }
}
