// start.idle_shutdown.delete_after: which stopped dev machines are due for deletion, when the others
// will be, and how both read. Pure: the listing, the setting, the names this computer started and
// the time come in; the deletion itself is the backend's deleteDev (src/app/dev/autodown.ts).
import type { DevMachine, Machine } from '../model.js';
import { isStopped } from '../machine-state.js';

export const DELETE_AFTER_KEY = 'start.idle_shutdown.delete_after';

export interface AutodownInput {
  machines: readonly Machine[];
  /** Seconds; null = never. */
  deleteAfter: number | null;
  /**
   * Dev machines started from this computer (<home>/dev/<name>/): a stopped VM someone else
   * started in the same project is theirs to delete.
   */
  mine: ReadonlySet<string>;
  now: Date;
}

export interface AutodownDue {
  name: string;
  stoppedAt: string;
}

export interface AutodownPlan {
  /** Machines to delete now. */
  due: AutodownDue[];
  /** The listing without the due machines, with `deletesAt` on the stopped ones still waiting. */
  machines: Machine[];
}

/** When `m` is deleted, or null when it never is (running, not ours, stop time unknown). */
export function deletesAt(m: DevMachine, deleteAfter: number | null, mine: ReadonlySet<string>): Date | null {
  if (!deleteAfter || !isStopped(m) || !mine.has(m.name)) return null;
  const since = m.stoppedAt ? Date.parse(m.stoppedAt) : Number.NaN;
  if (Number.isNaN(since)) return null;
  return new Date(since + deleteAfter * 1000);
}

export function planAutodown(i: AutodownInput): AutodownPlan {
  const due: AutodownDue[] = [];
  const machines: Machine[] = [];
  for (const m of i.machines) {
    const at = m.kind === 'start' ? deletesAt(m, i.deleteAfter, i.mine) : null;
    if (m.kind !== 'start' || !at) machines.push(m);
    else if (at.getTime() <= i.now.getTime()) due.push({ name: m.name, stoppedAt: m.stoppedAt! });
    else machines.push({ ...m, deletesAt: at.toISOString() });
  }
  return { due, machines };
}

/** The listing as shown: every machine that will be deleted carries `deletesAt` (past when due). */
export function markDeletesAt(
  machines: readonly Machine[],
  deleteAfter: number | null,
  mine: ReadonlySet<string>,
): Machine[] {
  return machines.map((m) => {
    const at = m.kind === 'start' ? deletesAt(m, deleteAfter, mine) : null;
    return m.kind !== 'start' || !at ? m : { ...m, deletesAt: at.toISOString() };
  });
}

/** A setting as the user writes it: 7d, 36h, 90m, 2s. */
export function durationSetting(seconds: number): string {
  for (const [unit, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds >= n && seconds % n === 0) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}

/** The two largest units of a wait: "2d 3h", "5h 10m", "4m 2s", "9s". */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

/** "deletes in 2d 3h", shown under a stopped machine in `status` and the dashboard. */
export function deletesInText(at: string | null | undefined, now: Date): string | null {
  const t = at ? Date.parse(at) : Number.NaN;
  if (Number.isNaN(t)) return null;
  // Due: the next reconcile pass (the dashboard's timer, or `mymlops status`) deletes it.
  if (t <= now.getTime()) return 'deletion due';
  return `deletes in ${waitText((t - now.getTime()) / 1000)}`;
}

/** What is said and logged once a machine is deleted. */
export function deletedLine(d: AutodownDue, deleteAfter: number): string {
  return `deleted dev machine ${d.name}: stopped since ${d.stoppedAt}, ${DELETE_AFTER_KEY} ${durationSetting(deleteAfter)}`;
}
