// What runs now: our labelled VMs as Machines (preempted ones told apart through their
// compute.instances.preempted operations, dev VMs with their idle countdown).
import type { Machine } from '../../../core/model.js';
import { type GceClient, lastSegment } from '../../gce/client.js';
import { type GuestCache, withIdleStates } from './dev-idle.js';
import { vmStatus } from '../../gce/vm-status.js';
import { isHalted } from '../../../core/machine-state.js';
import { toMachine } from './machines.js';

/** Lists the VMs; `seen` is told each VM's zone (so later calls need no look-up); `cache` shares guest-attribute readings. */
export async function listMachines(
  c: GceClient,
  seen: (name: string, zone: string) => void,
  cache: GuestCache,
): Promise<Machine[]> {
  const all = await c.instances('labels.mymlops:*');
  const preempted = new Set<string>();
  // Only a stopping or stopped VM can be a preempted one.
  if (all.some(({ item }) => isHalted(vmStatus(item.status)))) {
    const ops = await c.aggregatedOperations('operationType = "compute.instances.preempted"');
    for (const { zone, item } of ops) preempted.add(`${zone}/${lastSegment(item.targetLink)}`);
  }
  for (const { zone, item } of all) seen(item.name, zone);
  // Dev VMs: the idle watchdog's countdown / "stopped (idle)".
  return withIdleStates(
    c,
    all.map(({ zone, item }) => toMachine(zone, item, preempted)),
    cache,
  );
}

/** Whether a VM was preempted (a compute.instances.preempted operation targets it). */
export async function wasPreemptedIn(c: GceClient, zone: string, machineName: string): Promise<boolean> {
  const ops = await c.operations(zone, 'operationType = "compute.instances.preempted"');
  return ops.some((o) => lastSegment(o.targetLink) === machineName);
}
