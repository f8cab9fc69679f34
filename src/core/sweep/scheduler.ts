// The sweep scheduler's loop (run detached by `mymlops __sweep-scheduler GROUP`): launch queued
// runs while fewer than max_parallel of the group are active, as earlier ones finish; stop once
// nothing is queued. The queue file and the backend come in through SchedulerDeps.
import type { LaunchFailure, Launched, LaunchPlan } from '../ports/backend.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { GroupFile, GroupRun } from './group.js';
import type { Result } from '../../errors.js';
import type { Machine } from '../model.js';
import { isLive } from '../machine-state.js';

/** A launched run the backend does not list yet still holds its slot this long (listing lag). */
const LIST_GRACE_MS = 60_000;

/** Runs holding a slot: being launched, or launched with a live (or not yet listed) machine. */
export function activeCount(g: GroupFile, machines: Machine[], now: Date): number {
  const byName = new Map(machines.map((m) => [m.name, m]));
  return g.runs.filter((r) => {
    if (r.state === 'launching') return true;
    if (r.state !== 'launched') return false;
    const m = byName.get(r.record.machine);
    if (m) return isLive(m);
    return !r.seen && now.getTime() - Date.parse(r.record.created_at) < LIST_GRACE_MS;
  }).length;
}

/** Marks the launched runs whose machine the backend lists now (see GroupRun.seen). */
export function markSeen(g: GroupFile, machines: Machine[]): void {
  const listed = new Set(machines.map((m) => m.name));
  for (const r of g.runs) if (r.state === 'launched' && listed.has(r.record.machine)) r.seen = true;
}

/** The queued runs to launch now (oldest first); none once the group is cancelled. */
export function nextRuns(g: GroupFile, active: number): GroupRun[] {
  if (g.cancelled) return [];
  const free = Math.max(0, g.max_parallel - active);
  return g.runs.filter((r) => r.state === 'queued').slice(0, free);
}

export interface SchedulerDeps {
  update<T>(fn: (g: GroupFile) => T): Promise<T | null>;
  list(): Promise<Machine[]>;
  launch(plan: LaunchPlan): Promise<Result<Launched, LaunchFailure>>;
  cancel(machineName: string): Promise<void>;
  recordLaunch(rec: LaunchRecord): void;
  /** The run never launched: its reserved id and queued record go. */
  release(commitId: string): void;
  log(line: string): void;
  now(): Date;
  sleep(ms: number): Promise<void>;
  pollMs: number;
}

export async function runScheduler(deps: SchedulerDeps): Promise<void> {
  for (;;) {
    let machines: Machine[];
    try {
      machines = await deps.list();
    } catch (e) {
      deps.log(`could not list machines: ${(e as Error).message}`);
      await deps.sleep(deps.pollMs);
      continue;
    }
    const round = await deps.update((g) => {
      const dropped = g.cancelled ? g.runs.filter((r) => r.state === 'queued') : [];
      for (const r of dropped) r.state = 'dropped';
      markSeen(g, machines);
      const active = activeCount(g, machines, deps.now());
      const next = nextRuns(g, active);
      for (const r of next) r.state = 'launching';
      const queued = g.runs.filter((r) => r.state === 'queued').length;
      return { active, next, queued, dropped: dropped.map((r) => r.commit) };
    });
    if (!round) return deps.log('the group file is gone: stopping');
    for (const id of round.dropped) deps.release(id);
    deps.log(`active=${round.active} launching=${round.next.length} queued=${round.queued}`);
    for (const run of round.next) await launchOne(run, deps);
    if (round.queued === 0) return deps.log('nothing queued: done');
    await deps.sleep(deps.pollMs);
  }
}

async function launchOne(run: GroupRun, deps: SchedulerDeps): Promise<void> {
  const launched = await deps.launch(run.plan);
  const { queued: _queued, ...record } = run.record;
  const rec: LaunchRecord = {
    ...record,
    created_at: deps.now().toISOString(),
    zone: launched.ok ? launched.value.machine.zone : null,
  };
  deps.recordLaunch(rec);
  const cancelled = await deps.update((g) => {
    const r = g.runs.find((x) => x.commit === run.commit);
    if (r) {
      r.state = launched.ok ? 'launched' : 'failed';
      r.record = rec;
      if (!launched.ok) r.error = launched.error.message;
    }
    return g.cancelled;
  });
  deps.log(
    launched.ok ? `launched ${run.commit}` : `could not launch ${run.commit}: ${launched.error.message}`,
  );
  // `cancel GROUP` ran while this one was being launched: it could not see the machine yet.
  if (launched.ok && cancelled) await deps.cancel(launched.value.machine.name).catch(() => undefined);
}
