// Adds the dev machines' details to the status sources used by `status` and `dashboard`:
// port links, tunnel states (the dashboard keeps tunnels to running GCE dev VMs), ssh/log commands,
// and start.idle_shutdown.delete_after (a machine stopped that long is deleted as it is listed).
import { join } from 'node:path';
import { devDir } from '../adapters/backends/local/devvm.js';
import { DevTunnels } from '../adapters/ssh/dev-tunnels.js';
import type { Config } from '../config/types.js';
import { decorateDevVmRows } from '../core/devvm/rows.js';
import type { ComputeBackend } from '../core/ports/backend.js';
import type { StatusSources } from '../core/status/service.js';
import { autodown } from './dev-autodown.js';

/** What deletes machines past delete_after, and where it says so. */
export interface AutodownWiring {
  backend: ComputeBackend;
  notify(line: string): void;
}

/**
 * `tunnels`: the dashboard passes a DevTunnels it closes on exit; `status` passes none.
 * `deleter`: without one, start.idle_shutdown.delete_after is not applied.
 */
export function withDevVms(
  sources: StatusSources,
  config: Config,
  home: string,
  tunnels: DevTunnels | null = null,
  deleter: AutodownWiring | null = null,
): StatusSources {
  const now = () => sources.now?.() ?? new Date();
  const apply = deleter
    ? autodown({
        backend: deleter.backend,
        home,
        deleteAfter: config.start?.idle_shutdown.delete_after ?? null,
        notify: deleter.notify,
        now,
      })
    : null;
  return {
    ...sources,
    async listMachines() {
      let machines = await sources.listMachines();
      if (apply) machines = await apply(machines);
      tunnels?.sync(machines);
      return machines;
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
