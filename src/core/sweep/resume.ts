// A sweep whose detached scheduler is gone (killed, the machine rebooted): which groups still wait
// for one, and how their runs stand before a new scheduler takes over. A run caught `launching`
// either has a machine the backend lists (it is launched) or goes back to the queue — the new
// scheduler launches it under the same plan, whose request id lets Compute Engine drop a duplicate.
import type { GroupFile } from './group.js';

/** Runs wait for a scheduler: queued or caught mid-launch, in a group not cancelled. */
export function waitsForScheduler(g: GroupFile): boolean {
  return !g.cancelled && g.runs.some((r) => r.state === 'queued' || r.state === 'launching');
}

/** Puts the group in the state a new scheduler starts from; returns how many runs wait. */
export function prepareResume(g: GroupFile, listed: ReadonlySet<string>): number {
  for (const r of g.runs)
    if (r.state === 'launching') r.state = listed.has(r.record.machine) ? 'launched' : 'queued';
  return g.runs.filter((r) => r.state === 'queued').length;
}
