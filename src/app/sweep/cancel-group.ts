// `mymlops cancel GROUP`: stop a whole sweep. Queued runs are dropped (under the queue's lock, so
// its scheduler launches none of them), then every run with a live machine is cancelled.
import { readGroup, updateGroup } from '../../adapters/store/groups.js';
import { readLaunch, releaseCommitId } from '../../adapters/store/jobs.js';
import { appContext } from '../context.js';
import { isUp } from '../../core/machine-state.js';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../errors.js';
import { mymlopsHome } from '../../util/paths.js';

export async function cancelGroup(group: string, json: boolean, home: string = mymlopsHome()): Promise<void> {
  const g0 = readGroup(group, home);
  if (!g0)
    throw new UserError(
      `no sweep ${group} was started from this machine`,
      'pass a group id printed by `mymlops commit`',
    );
  const dropped =
    (await updateGroup(
      group,
      (g) => {
        g.cancelled = true;
        const q = g.runs.filter((r) => r.state === 'queued');
        for (const r of q) r.state = 'dropped';
        return q.map((r) => r.commit);
      },
      home,
    )) ?? [];
  // A dropped run whose record is no longer queued was started after all (its folder is a job's):
  // only a run that never started gives its id and folder back.
  for (const id of dropped) if (readLaunch(id, home)?.queued) releaseCommitId(id, home);
  const backend = appContext(loadConfig({ file: g0.config_file }), { home }).backend();
  const live = new Map((await backend.list()).map((m) => [m.name, m]));
  const cancelled: string[] = [];
  for (const r of g0.runs) {
    const machine = readLaunch(r.commit, home)?.machine ?? r.record.machine;
    const m = live.get(machine);
    if (m && isUp(m)) {
      await backend.cancel(machine);
      cancelled.push(r.commit);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify({ group, cancelled, dropped })}\n`);
  else
    process.stdout.write(
      `sweep ${group}: cancelled ${cancelled.length} running, dropped ${dropped.length} queued\n`,
    );
}
