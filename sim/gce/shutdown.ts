// How a VM goes down: stop, preemption and delete, each an ACPI soft-off with a grace, then
// power-off; preemption also sets the guest's `instance/preempted` and records its operation.
import type { ChildProcess } from 'node:child_process';
import type { SimContext } from './context.js';
import { metadataChanged } from './metadata.js';
import type { SimInstance, SimOperation } from './state.js';
import { guestUnits, type ScriptUnit } from './guest-units.js';
import { type GuestProcessOptions, killPids, runUnitCommand, sandboxPids, treePids } from './vm.js';

/** Node's timers fire at once past this (TimeoutStopSec=infinity is "never"). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves once `p` has exited (at once when it has), or after `ms`. */
function exited(p: ChildProcess | null, ms: number): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, Math.min(ms, MAX_TIMER_MS));
    t.unref();
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * systemd stopping one guest-agent unit at shutdown (systemd.service(5), systemd.kill(5)): its
 * ExecStop= commands run first (the shutdown unit's runner, which runs `shutdown-script`), then the
 * unit's KillMode decides who gets SIGTERM: `process` the main process alone (the startup unit's
 * runner: the script it started is not signalled), `control-group` every process of the unit,
 * `mixed` SIGTERM the main one and SIGKILL the rest. All within TimeoutStopSec.
 */
async function stopUnit(unit: ScriptUnit, main: ChildProcess | null, o: GuestProcessOptions): Promise<void> {
  const deadline = Date.now() + unit.timeoutStopMs;
  const left = () => Math.max(0, deadline - Date.now());
  const stoppers: ChildProcess[] = [];
  for (const cmd of unit.execStop) {
    const p = runUnitCommand(cmd, o);
    if (p) stoppers.push(p);
    await exited(p, left());
  }
  const mainPid =
    main?.pid !== undefined && main.exitCode === null && main.signalCode === null ? main.pid : null;
  const members = [main, ...stoppers].flatMap((p) => (p ? treePids(p) : []));
  const signalMain = () => {
    try {
      if (mainPid !== null) process.kill(mainPid, 'SIGTERM');
    } catch {
      // it has just ended
    }
  };
  if (unit.killMode === 'process' || unit.killMode === 'mixed') signalMain();
  if (unit.killMode === 'control-group') killPids(members, 'SIGTERM', o.sandbox);
  if (unit.killMode === 'process' || unit.killMode === 'none') return exited(main, left());
  // control-group and mixed: the unit is stopped once all its processes are gone; SIGKILL at the timeout
  // (mixed: for all but the main process at once).
  if (unit.killMode === 'mixed')
    killPids(
      members.filter((p) => p !== mainPid),
      'SIGKILL',
      o.sandbox,
    );
  await until(() => members.every((p) => !alive(p, o.sandbox)), left());
  killPids(members, 'SIGKILL', o.sandbox);
}

function alive(pid: number, sandbox: string): boolean {
  return sandboxPids(sandbox).includes(pid);
}

function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const check = () => {
      if (cond() || Date.now() >= end) return resolve();
      setTimeout(check, 50).unref(); // polled: the unit's processes are not our children
    };
    check();
  });
}

/** The VMs whose guest is shutting down, with their power-off and what waits for it. */
const goingDown = new WeakMap<SimInstance, { powerOff: () => void; thens: (() => void)[] }>();

/**
 * The guest OS shutting down, as GCE does it on stop, preemption and delete: an ACPI soft-off, on
 * which systemd stops the guest agent's startup and shutdown units as their unit files say (read
 * from Debian's package, guest-units.ts; the two are not ordered against each other, so at once) while
 * the network is still up; then power-off (SIGKILL to everything of the VM), when both units are
 * stopped or after `graceMs`, whichever comes first. The compute v1 reference,
 * `Scheduling.skipGuestOsShutdown`: "there will be 120 seconds between GCE ACPI G2 Soft Off and ACPI
 * G3 Mechanical Off for Standard VMs and 30 seconds for Spot VMs". After those units the network
 * units stop (both are ordered After=network-online.target), so what is left cannot reach anything
 * when systemd's final SIGTERM comes; the simulator cannot take the network away from a local git
 * remote, so it powers off then.
 */
export function halt(ctx: SimContext, inst: SimInstance, graceMs: number, then?: () => void): void {
  inst.status = 'STOPPING';
  // Going down already (a delete during a stop): the guest's shutdown is not run twice; the power
  // goes off at the earlier deadline.
  const current = goingDown.get(inst);
  if (current) {
    if (then) current.thens.push(then);
    ctx.later(graceMs, current.powerOff);
    return;
  }
  const runner = inst.child;
  const env = inst.guestEnv;
  const thens = then ? [then] : [];
  let done = false;
  const powerOff = () => {
    if (done) return;
    done = true;
    goingDown.delete(inst);
    killPids(sandboxPids(inst.sandbox), 'SIGKILL', inst.sandbox);
    inst.child = null;
    inst.guestEnv = null;
    inst.drain?.();
    if (inst.tail) clearInterval(inst.tail);
    inst.tail = null;
    inst.metadataServer?.closeAllConnections();
    inst.metadataServer?.close();
    inst.metadataServer = null;
    inst.status = 'TERMINATED';
    inst.lastStopAt = new Date();
    for (const t of thens) t();
  };
  goingDown.set(inst, { powerOff, thens });
  if (!env) {
    ctx.later(0, powerOff);
    return;
  }
  ctx.later(graceMs, powerOff);
  const units = guestUnits(ctx.opts.guestAgentDir);
  const o = { sandbox: inst.sandbox, env, serial: inst.serial };
  void Promise.all([stopUnit(units.startup, runner, o), stopUnit(units.shutdown, null, o)]).then(() =>
    ctx.later(0, powerOff),
  );
}

/** The guest's shutdown grace of `inst` (spot and preemptible VMs get the shorter one). */
export function graceOf(ctx: SimContext, inst: SimInstance): number {
  const s = inst.body.scheduling ?? {};
  return s.provisioningModel === 'SPOT' || s.preemptible ? ctx.opts.spotGraceMs : ctx.opts.standardGraceMs;
}

/** How long a deleted VM's guest gets to shut down (its own delete call must be answered first). */
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
