import { DevTunnels } from '../../adapters/ssh/dev-tunnels.js';
import type { Config } from '../../config/types.js';
import { markDeletesAt } from '../../core/devvm/autodown.js';
import { decorateDevVmRows } from '../../core/devvm/rows.js';
import { knownDevNames } from '../../adapters/store/known-ids.js';
import type { StatusSources } from '../../core/status/service.js';
import { HOME } from '../../util/home-layout.js';

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
        localRepoDir: (name) => HOME.devRepo(home, name),
        tunnels: tunnels?.manager ?? null,
        now: now(),
      }),
  };
}

export { DevTunnels };
