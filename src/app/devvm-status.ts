// Adds the dev machines' details to the status sources used by `status` and `dashboard`: port
// links, tunnel states, ssh/log commands, and when start.idle_shutdown.delete_after will delete a
// stopped machine. Read-only: the deletion itself and the tunnels' start are the reconciler's
// (src/app/reconcile.ts).
import { join } from 'node:path';
import { devDir } from '../adapters/backends/local/devvm.js';
import { DevTunnels } from '../adapters/ssh/dev-tunnels.js';
import type { Config } from '../config/types.js';
import { markDeletesAt } from '../core/devvm/autodown.js';
import { decorateDevVmRows } from '../core/devvm/rows.js';
import { knownDevNames } from '../adapters/store/known-ids.js';
import type { StatusSources } from '../core/status/service.js';

/** `tunnels`: the dashboard's DevTunnels, whose states the rows show; `status` passes none. */
export function withDevVms(
  sources: StatusSources,
  config: Config,
  home: string,
  tunnels: DevTunnels | null = null,
): StatusSources {
  const now = () => sources.now?.() ?? new Date();
  const deleteAfter = config.start?.idle_shutdown.delete_after ?? null;
  return {
    ...sources,
    async listMachines() {
      const machines = await sources.listMachines();
      return deleteAfter ? markDeletesAt(machines, deleteAfter, new Set(knownDevNames(home))) : machines;
    },
    decorateDevVms: (rows) =>
      decorateDevVmRows(rows, {
        config,
        localRepoDir: (name) => join(devDir(home, name), 'repo'),
        tunnels: tunnels?.manager ?? null,
        now: now(),
      }),
  };
}

export { DevTunnels };
