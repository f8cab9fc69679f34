// The dashboard's tunnels to dev VMs: one TunnelManager kept in sync with the machines the
// backend lists (GCE dev VMs only: local dev machines serve their ports on this computer).
import type { Config } from '../../config/types.js';
import type { Machine } from '../../core/model.js';
import { isPresent, isRunning } from '../../core/machine-state.js';
import { TunnelManager } from './tunnel-manager.js';
import { gcloudTunnelArgv, type TunnelOptions } from './tunnels.js';

export class DevTunnels {
  readonly manager: TunnelManager | null;
  private readonly gcloud: string;

  constructor(
    private readonly config: Config,
    home: string,
    opts: TunnelOptions & { gcloud?: string } = {},
  ) {
    const t = config.dashboard.tunnel;
    this.gcloud = opts.gcloud ?? 'gcloud';
    this.manager = t ? new TunnelManager(home, t, opts) : null;
  }

  /** Start tunnels for running GCE dev VMs, close the others. */
  sync(machines: readonly Machine[]): void {
    if (!this.manager) return;
    const dev = machines.filter((m) => m.kind === 'start' && m.backend === 'gce' && isPresent(m));
    const running = dev.filter((m) => isRunning(m) && m.zone);
    this.manager.sync(
      dev.map((m) => m.name),
      running.map((m) => ({
        name: m.name,
        argv: (spec) =>
          gcloudTunnelArgv(
            { name: m.name, zone: m.zone!, project: this.config.gcp.project },
            spec,
            this.gcloud,
          ),
      })),
    );
  }

  close(): void {
    this.manager?.closeAll();
  }
}
