// Adds the dev machines' details to the status sources used by `status` and `dashboard`:
// port links, tunnel states (the dashboard keeps tunnels to running GCE dev VMs), ssh/log commands.
import { join } from 'node:path';
import { devDir } from '../adapters/backends/local/devvm.js';
import { DevTunnels } from '../adapters/ssh/dev-tunnels.js';
import type { Config } from '../config/types.js';
import { decorateDevVmRows } from '../core/devvm/rows.js';
import type { StatusSources } from '../core/status/service.js';

/** `tunnels`: the dashboard passes a DevTunnels it closes on exit; `status` passes none. */
export function withDevVms(
  sources: StatusSources,
  config: Config,
  home: string,
  tunnels: DevTunnels | null = null,
): StatusSources {
  return {
    ...sources,
    async listMachines() {
      const machines = await sources.listMachines();
      tunnels?.sync(machines);
      return machines;
    },
    decorateDevVms: (rows) =>
      decorateDevVmRows(rows, {
        config,
        localRepoDir: (name) => join(devDir(home, name), 'repo'),
        tunnels: tunnels?.manager ?? null,
      }),
  };
}

export { DevTunnels };
