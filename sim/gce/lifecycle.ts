// Instance lifecycle: power on (PROVISIONING → STAGING → RUNNING, then the startup script runs
// in a local sandbox) and start. Shutdown (stop, preemption, delete) is in shutdown.ts.
import { join } from 'node:path';
import { last, ok, type Reply, type SimContext } from './context.js';
import { vmToken } from './instances.js';
import { withinRate } from './guest.js';
import { attributes, metadataChanged } from './metadata.js';
import { graceOf, halt, remove, stop } from './shutdown.js';
import type { SimInstance, SimOperation } from './state.js';
import { metadataHost, startMetadataServer } from './metadata-server.js';
import { guestUnits } from './guest-units.js';
import { boot } from './vm.js';
import { driverInstallMs } from './images.js';

/** Each power-on of an instance; a step of an earlier one (stopped meanwhile) goes no further. */
const powerOns = new WeakMap<SimInstance, number>();

export function powerOn(ctx: SimContext, project: string, inst: SimInstance, op: SimOperation): void {
  const n = (powerOns.get(inst) ?? 0) + 1;
  powerOns.set(inst, n);
  // A stop (or delete) while PROVISIONING or STAGING wins: the VM does not boot and ends as the
  // stop leaves it (TERMINATED), the insert or start operation done all the same, as on GCE.
  const stillBooting = () =>
    !inst.deleted && powerOns.get(inst) === n && inst.status !== 'STOPPING' && inst.status !== 'TERMINATED';
  ctx.later(ctx.opts.bootDelayMs, () => {
    if (!stillBooting()) return ctx.world.finish(op);
    inst.status = 'STAGING';
    ctx.later(ctx.opts.bootDelayMs, async () => {
      if (!stillBooting()) return ctx.world.finish(op);
      inst.status = 'RUNNING';
      inst.lastStartAt = new Date();
      ctx.world.finish(op);
      endAtMaxRunDuration(ctx, project, inst);
      await bootVm(ctx, project, inst);
    });
  });
}

/**
 * Scheduling.maxRunDuration: "If specified, the instance termination action will be performed at the
 * end of the run duration", counted from this start, whatever the guest does (a VM whose startup
 * script never runs included): STOP is a stop (the guest's soft-off, then TERMINATED), DELETE a delete.
 */
function endAtMaxRunDuration(ctx: SimContext, project: string, inst: SimInstance): void {
  const d = inst.body.scheduling?.maxRunDuration;
  if (!d) return;
  const ms = Number(d.seconds ?? 0) * 1000 + (d.nanos ?? 0) / 1e6;
  const started = inst.lastStartAt;
  ctx.later(ms, () => {
    if (inst.deleted || inst.lastStartAt !== started || inst.status !== 'RUNNING') return;
    inst.serial.append(Buffer.from('simulator: maxRunDuration reached\n'));
    if (inst.body.scheduling?.instanceTerminationAction === 'DELETE') remove(ctx, project, inst, 'delete');
    else stop(ctx, project, inst, 'compute.instances.stop', 'system');
  });
}

export async function bootVm(ctx: SimContext, project: string, inst: SimInstance): Promise<void> {
  inst.guestAttributes ??= new Map();
  const guestAttributes = inst.guestAttributes;
  inst.metadataServer ??= await startMetadataServer({
    name: inst.name,
    id: inst.id,
    zone: inst.zone,
    projectId: project,
    projectNumber: ctx.fixture.projectNumber,
    machineType: last(inst.body.machineType),
    attributes: () => attributes(inst),
    preempted: () => inst.preempted,
    waiters: inst.metadataWaiters,
    mayWriteGuestAttribute: () => withinRate(ctx, inst, 'writes'),
    token: vmToken(inst),
    guestAttributes,
  });
  if (inst.deleted || inst.status !== 'RUNNING' || ctx.closed) return;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: process.env['LANG'] ?? 'C.UTF-8',
    TMPDIR: process.env['TMPDIR'] ?? '/tmp',
    HOME: join(inst.sandbox, 'root'),
    GCE_METADATA_HOST: metadataHost(inst.metadataServer),
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${ctx.opts.base()}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE: `${ctx.opts.base().replace(/\/compute\/v1$/, '')}/storage/v1/`,
    MYMLOPS_VM_ROOT: inst.sandbox,
    ...ctx.opts.vmEnv,
  };
  // A Deep Learning VM image's own unit installs the driver first, at its first boot with GPUs.
  const installMs = driverInstallMs(ctx, inst);
  if (installMs > 0) {
    const started = inst.lastStartAt;
    inst.serial.append(
      Buffer.from('simulator: install-nvidia-driver: installing the NVIDIA driver (first boot)\n'),
    );
    await new Promise<void>((r) => ctx.later(installMs, r));
    if (inst.deleted || inst.status !== 'RUNNING' || inst.lastStartAt !== started) return;
    inst.serial.append(Buffer.from('simulator: install-nvidia-driver: NVIDIA driver installed\n'));
  }
  // The guest agent's startup unit runs the runner, which reads `startup-script` itself.
  const vm = boot({
    sandbox: inst.sandbox,
    execStart: guestUnits(ctx.opts.guestAgentDir).startup.execStart,
    env,
    serial: inst.serial,
    onExit: () => {
      // A previous boot's script may end after a restart: only forget the current one.
      if (inst.child === vm.child) inst.child = null;
    },
  });
  inst.guestEnv = vm.env;
  inst.child = vm.child;
  inst.tail = setInterval(vm.drain, 40);
  inst.drain = vm.drain;
  const started = inst.lastStartAt;
  ctx.later(ctx.opts.vmLifetimeMs, () => {
    if (!inst.deleted && inst.lastStartAt === started && inst.status === 'RUNNING') {
      inst.serial.append(Buffer.from('simulator: VM lifetime exceeded, stopping\n'));
      halt(ctx, inst, graceOf(ctx, inst));
    }
  });
}

export function start(ctx: SimContext, project: string, inst: SimInstance): Reply {
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, 'start', {
    link: String(inst.body.selfLink),
    id: inst.id,
  });
  if (inst.status !== 'TERMINATED') {
    ctx.world.finish(op);
    return ok({ ...op.body });
  }
  inst.preempted = false;
  metadataChanged(inst);
  inst.status = 'STAGING';
  powerOn(ctx, project, inst, op);
  return ok({ ...op.body });
}
