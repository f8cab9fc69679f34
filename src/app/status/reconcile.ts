// The only place where looking at the status leads to acting on machines: dev machines past
// start.idle_shutdown.delete_after are deleted, the dashboard's ssh tunnels follow the running dev
// VMs, and preempted commits are relaunched (commit.retry.preempted). Reading the status — a GET
// from any tab, prefetch or crawler — never does any of this; the dashboard runs a pass on its own
// timer and `mymlops status` runs one explicitly before it reads. Every action is said via notify.
// Sweeps whose scheduler died are resumed here too.
import type { DevTunnels } from '../../adapters/ssh/dev-tunnels.js';
import type { Machine } from '../../core/model.js';
import type { PreemptionWatcher } from '../../core/retry/auto.js';
import type { StatusSnapshot } from '../../core/status/service.js';
import { type AutodownDeps, autodown } from '../dev/autodown.js';

export interface ReconcileParts {
  /** The backend's listing, for the machine-level actions (auto-delete, tunnels). */
  listMachines(): Promise<Machine[]>;
  /** start.idle_shutdown.delete_after; null when not configured. */
  autodown: AutodownDeps | null;
  tunnels: DevTunnels | null;
  /** Sweeps whose scheduler is gone get a new one (src/app/sweep/resume.ts); null: not here. */
  resumeSweeps: ((listed: () => Promise<readonly Machine[]>) => Promise<unknown>) | null;
  /** Relaunches of preempted commits; null when commit.retry.preempted is 0. */
  retries: PreemptionWatcher | null;
  /** The status as the views read it; the retries decide from its commit rows. */
  snapshot(): Promise<StatusSnapshot>;
  notify(line: string): void;
}

export type Reconcile = () => Promise<StatusSnapshot>;

/** One pass at a time: a pass asked for while one runs gets that pass's result. */
export function reconciler(p: ReconcileParts): Reconcile {
  const deleteDue = p.autodown ? autodown(p.autodown) : null;
  let inFlight: Promise<StatusSnapshot> | null = null;
  const pass = async (): Promise<StatusSnapshot> => {
    // The listing is asked for only by an action that needs it: `status` with nothing due lists
    // once (its snapshot), not twice. A failed listing acts on nothing; the snapshot says why.
    let left: Machine[] | null = null;
    let listFailed = false;
    const listed = async (): Promise<Machine[]> => {
      try {
        left ??= await p.listMachines();
      } catch (e) {
        listFailed = true;
        throw e;
      }
      return left;
    };
    if (deleteDue || p.tunnels) {
      try {
        const machines = await listed();
        left = deleteDue ? await deleteDue(machines) : machines;
        p.tunnels?.sync(left);
      } catch {}
    }
    if (!listFailed)
      try {
        await p.resumeSweeps?.(listed);
      } catch (e) {
        if (!listFailed) p.notify(`mymlops: could not resume a sweep: ${(e as Error).message}`);
      }
    const snap = await p.snapshot();
    try {
      p.retries?.consider(snap.commits);
    } catch (e) {
      p.notify(`mymlops: automatic retry skipped: ${(e as Error).message}`);
    }
    return snap;
  };
  return () => {
    inFlight ??= pass().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
