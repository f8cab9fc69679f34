// Local port assignment for dev-VM tunnels: pure, and STABLE per VM — a VM appearing or
// disappearing never renumbers another VM's ports (the user keeps browser tabs open on them).
// Persisted in <home>/cache/tunnels.json so restarts of the dashboard keep the same ports.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { HOME } from '../../util/home-layout.js';

/** VM name → remote port (as string key) → local port. */
export type PortAssignments = Record<string, Record<string, number>>;

/**
 * Assign local ports for `vms` (every dev VM that exists, running or stopped), one per remote port.
 * Existing assignments are kept while the VM exists; VMs that are gone release their ports; new
 * VMs take the lowest free ports from `min` upward (skipping `taken`, e.g. ports in use locally).
 */
export function assignPorts(
  previous: PortAssignments,
  vms: readonly string[],
  remotePorts: readonly number[],
  min: number,
  taken: ReadonlySet<number> = new Set(),
): PortAssignments {
  const out: PortAssignments = {};
  const used = new Set<number>(taken);
  const wanted = new Set(vms);
  // Keep what still fits: same VM, same remote port.
  for (const [vm, ports] of Object.entries(previous)) {
    if (!wanted.has(vm)) continue;
    const kept: Record<string, number> = {};
    for (const rp of remotePorts) {
      const lp = ports[String(rp)];
      if (lp !== undefined && !used.has(lp) && lp >= min && lp <= 65535) {
        kept[String(rp)] = lp;
        used.add(lp);
      }
    }
    out[vm] = kept;
  }
  let next = min;
  const take = (): number => {
    while (used.has(next)) next++;
    if (next > 65535) throw new Error('no free local port left for tunnels');
    used.add(next);
    return next;
  };
  // New VMs (and newly configured remote ports) in a deterministic order.
  for (const vm of [...vms].sort()) {
    const ports = out[vm] ?? {};
    for (const rp of remotePorts) if (ports[String(rp)] === undefined) ports[String(rp)] = take();
    out[vm] = ports;
  }
  return out;
}

export function tunnelsFile(home: string): string {
  return HOME.tunnels(home);
}

export function loadAssignments(home: string): PortAssignments {
  try {
    const j = JSON.parse(readFileSync(tunnelsFile(home), 'utf8')) as { assignments?: unknown };
    const a = j.assignments;
    if (!a || typeof a !== 'object') return {};
    const out: PortAssignments = {};
    for (const [vm, ports] of Object.entries(a as Record<string, unknown>)) {
      if (!ports || typeof ports !== 'object') continue;
      const p: Record<string, number> = {};
      for (const [rp, lp] of Object.entries(ports as Record<string, unknown>))
        if (Number.isInteger(lp)) p[rp] = lp as number;
      out[vm] = p;
    }
    return out;
  } catch {
    return {};
  }
}

export function saveAssignments(home: string, a: PortAssignments): void {
  const f = tunnelsFile(home);
  mkdirSync(dirname(f), { recursive: true });
  writeFileAtomic(f, `${JSON.stringify({ version: 1, assignments: a }, null, 2)}\n`);
}
