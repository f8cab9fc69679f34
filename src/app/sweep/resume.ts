// Sweeps outlive their scheduler: a reconcile pass (`status`, the dashboard's timer) finds groups
// whose runs still wait while no scheduler process runs for them, puts runs caught mid-launch back
// (core/sweep/resume.ts) and starts a new scheduler, said in one line and in the group's log.
import { appendGroupLog, listGroups, schedulerAlive, updateGroup } from '../../adapters/store/groups.js';
import type { Machine } from '../../core/model.js';
import { prepareResume, waitsForScheduler } from '../../core/sweep/resume.js';

export interface ResumeDeps {
  home: string;
  spawn(group: string, home: string): Promise<void>;
  notify(line: string): void;
}

/** Returns the groups resumed. */
export async function resumeSweeps(
  d: ResumeDeps,
  machines: () => Promise<readonly Machine[]>,
): Promise<string[]> {
  const resumed: string[] = [];
  for (const g of listGroups(d.home)) {
    if (!waitsForScheduler(g) || schedulerAlive(g.group, d.home)) continue;
    // Only a group that lost its scheduler needs the backend's listing.
    const listed = new Set((await machines()).map((m) => m.name));
    const waiting = await updateGroup(g.group, (x) => prepareResume(x, listed), d.home);
    if (!waiting) continue;
    await d.spawn(g.group, d.home);
    appendGroupLog(
      g.group,
      `the scheduler was gone with ${waiting} runs waiting: a new one was started`,
      d.home,
    );
    d.notify(`mymlops: sweep ${g.group}: its scheduler had stopped with ${waiting} runs waiting — resumed`);
    resumed.push(g.group);
  }
  return resumed;
}
