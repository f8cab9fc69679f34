// Keeps one Tunnel per (running dev VM, remote port) and nothing else: started when a VM is seen
// running, closed when it is stopped or gone. Port numbers come from the stable assignment.
import { assignPorts, loadAssignments, saveAssignments, type PortAssignments } from './ports.js';
import { Tunnel, type TunnelOptions, type TunnelSpec, type TunnelStatus } from './tunnels.js';

export interface TunnelTarget {
  name: string;
  /** The command for one tunnel of this VM (plain ssh or gcloud). */
  argv(spec: TunnelSpec): string[];
}

export interface TunnelSettings {
  local_port_min: number;
  remote_ports: number[];
}

export class TunnelManager {
  private readonly tunnels = new Map<string, Tunnel[]>();
  private assignments: PortAssignments;

  constructor(
    private readonly home: string,
    private readonly settings: TunnelSettings,
    private readonly opts: TunnelOptions = {},
  ) {
    this.assignments = loadAssignments(home);
  }

  /**
   * `existing`: every dev VM name that exists (keeps its ports reserved even while stopped);
   * `running`: those to tunnel to now.
   */
  sync(existing: readonly string[], running: readonly TunnelTarget[]): void {
    const names = [...new Set([...existing, ...running.map((r) => r.name)])];
    const next = assignPorts(
      this.assignments,
      names,
      this.settings.remote_ports,
      this.settings.local_port_min,
    );
    if (JSON.stringify(next) !== JSON.stringify(this.assignments)) saveAssignments(this.home, next);
    this.assignments = next;
    const want = new Map(running.map((r) => [r.name, r]));
    for (const [name, ts] of this.tunnels) {
      if (!want.has(name)) {
        for (const t of ts) t.close();
        this.tunnels.delete(name);
      }
    }
    for (const [name, target] of want) {
      if (this.tunnels.has(name)) continue;
      const ports = this.ports(name);
      this.tunnels.set(
        name,
        Object.entries(ports).map(([remote, local]) => {
          const spec = { local, remote: Number(remote) };
          return new Tunnel(spec, target.argv(spec), this.opts).start();
        }),
      );
    }
  }

  /** Remote port → local port of a VM (empty when it has none). */
  ports(name: string): Record<string, number> {
    return this.assignments[name] ?? {};
  }

  statuses(name: string): TunnelStatus[] {
    return (this.tunnels.get(name) ?? []).map((t) => t.status());
  }

  tunnel(name: string, remote: number): Tunnel | undefined {
    return this.tunnels.get(name)?.find((t) => t.spec.remote === remote);
  }

  closeAll(): void {
    for (const ts of this.tunnels.values()) for (const t of ts) t.close();
    this.tunnels.clear();
  }
}
