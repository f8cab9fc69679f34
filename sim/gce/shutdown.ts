// How a VM goes down: stop, preemption and delete, each an ACPI soft-off with a grace, then
// power-off; preemption also sets the guest's `instance/preempted` and records its operation.
import type { SimContext } from './context.js';
import { metadataChanged } from './metadata.js';
import type { SimInstance, SimOperation } from './state.js';
import { killPids, killTree } from './vm.js';

/**
 * The guest OS shutting down, as GCE does it on stop and on preemption: an ACPI soft-off (the guest's
 * shutdown sends SIGTERM to the startup script's processes), then power-off (SIGKILL) when they have
 * all exited or after `graceMs`, whichever comes first. The compute v1 reference,
 * `Scheduling.skipGuestOsShutdown`: "there will be 120 seconds between GCE ACPI G2 Soft Off and ACPI
 * G3 Mechanical Off for Standard VMs and 30 seconds for Spot VMs".
 */
export function halt(ctx: SimContext, inst: SimInstance, graceMs: number, then?: () => void): void {
  inst.status = 'STOPPING';
  const child = inst.child;
  const pids = child ? killTree(child, 'SIGTERM') : [];
  let done = false;
  const powerOff = () => {
    if (done) return;
    done = true;
    if (child) killTree(child, 'SIGKILL');
    killPids(pids, 'SIGKILL', inst.sandbox);
    inst.child = null;
    inst.drain?.();
    if (inst.tail) clearInterval(inst.tail);
    inst.tail = null;
    inst.metadataServer?.closeAllConnections();
    inst.metadataServer?.close();
    inst.metadataServer = null;
    inst.status = 'TERMINATED';
    inst.lastStopAt = new Date();
    then?.();
  };
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    ctx.later(0, powerOff);
    return;
  }
  // The OS is down once the startup script has ended; the power goes off then, not at the deadline.
  child.once('close', () => ctx.later(0, powerOff));
  ctx.later(graceMs, powerOff);
}

/** The guest's shutdown grace of `inst` (spot and preemptible VMs get the shorter one). */
export function graceOf(ctx: SimContext, inst: SimInstance): number {
  const s = inst.body.scheduling ?? {};
  return s.provisioningModel === 'SPOT' || s.preemptible ? ctx.opts.spotGraceMs : ctx.opts.standardGraceMs;
}

/** A deleted VM's processes get this long after SIGTERM (its own delete call must be answered). */
const DELETE_GRACE_MS = 300;

export function remove(ctx: SimContext, project: string, inst: SimInstance, type: string): SimOperation {
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, type, {
    link: String(inst.body.selfLink),
    id: inst.id,
  });
  // Answer first: a VM deleting itself must get its response before its processes die.
  ctx.later(50, () =>
    halt(ctx, inst, DELETE_GRACE_MS, () => {
      inst.deleted = true;
      ctx.world.instances.delete(ctx.world.key(inst.zone, inst.name));
      ctx.world.finish(op);
    }),
  );
  return op;
}

export function stop(
  ctx: SimContext,
  project: string,
  inst: SimInstance,
  type: string,
  user?: string,
): SimOperation {
  const op = ctx.world.newOperation(
    ctx.opts.base(),
    project,
    inst.zone,
    type,
    { link: String(inst.body.selfLink), id: inst.id },
    user,
  );
  if (inst.status === 'TERMINATED') {
    ctx.world.finish(op);
    return op;
  }
  inst.status = 'STOPPING';
  ctx.later(20, () => halt(ctx, inst, graceOf(ctx, inst), () => ctx.world.finish(op)));
  return op;
}

/**
 * A preemption as GCE does it: `instance/preempted` turns TRUE on the metadata server, the guest gets
 * the soft-off and the spot grace, the VM ends TERMINATED (or deleted with instanceTerminationAction
 * DELETE) and a `compute.instances.preempted` zone operation records it.
 */
export function preempt(ctx: SimContext, project: string, inst: SimInstance): SimOperation {
  inst.preempted = true;
  metadataChanged(inst);
  const op = ctx.world.newOperation(
    ctx.opts.base(),
    project,
    inst.zone,
    'compute.instances.preempted',
    { link: String(inst.body.selfLink), id: inst.id },
    'system',
  );
  op.body.statusMessage = 'Instance was preempted.';
  inst.status = 'STOPPING';
  halt(ctx, inst, ctx.opts.spotGraceMs, () => {
    ctx.world.finish(op);
    if (inst.body.scheduling?.instanceTerminationAction === 'DELETE' && !inst.deleted) {
      inst.deleted = true;
      ctx.world.instances.delete(ctx.world.key(inst.zone, inst.name));
    }
  });
  return op;
}
