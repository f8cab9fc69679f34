// Instance lifecycle: power on (PROVISIONING → STAGING → RUNNING, then the startup script runs
// in a local sandbox), stop, start, delete, setMetadata.
import { join } from 'node:path';
import { fail, last, ok, type Reply, type SimContext } from './context.js';
import type { Resource } from './filter.js';
import { apiError, newId } from './shapes.js';
import type { SimInstance, SimOperation } from './state.js';
import { boot, killTree, metadataHost, startMetadataServer } from './vm.js';

export function powerOn(ctx: SimContext, project: string, inst: SimInstance, op: SimOperation): void {
  ctx.later(ctx.opts.bootDelayMs, () => {
    if (inst.deleted) return;
    inst.status = 'STAGING';
    ctx.later(ctx.opts.bootDelayMs, async () => {
      if (inst.deleted) return;
      inst.status = 'RUNNING';
      inst.lastStartAt = new Date();
      ctx.world.finish(op);
      await bootVm(ctx, project, inst);
    });
  });
}

function attributes(inst: SimInstance): Record<string, string> {
  const items = ((inst.body['metadata'] as Resource)['items'] as { key: string; value: string }[]) ?? [];
  return Object.fromEntries(items.map((i) => [i.key, i.value]));
}

export async function bootVm(ctx: SimContext, project: string, inst: SimInstance): Promise<void> {
  const attrs = attributes(inst);
  inst.guestAttributes ??= new Map();
  const guestAttributes = inst.guestAttributes;
  inst.metadataServer ??= await startMetadataServer({
    name: inst.name,
    id: inst.id,
    zone: inst.zone,
    projectId: project,
    projectNumber: ctx.fixture.projectNumber,
    machineType: last(inst.body['machineType']),
    attributes: () => attributes(inst),
    preempted: () => inst.preempted,
    token: `sim-vm-token-${inst.id}`,
    guestAttributes,
  });
  if (inst.deleted || inst.status !== 'RUNNING' || ctx.closed) return;
  const script = attrs['startup-script'];
  if (!script) {
    inst.serial.append(Buffer.from('Booting simulated VM\nNo startup scripts to run.\n'));
    return;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    LANG: process.env['LANG'] ?? 'C.UTF-8',
    TMPDIR: process.env['TMPDIR'] ?? '/tmp',
    HOME: join(inst.sandbox, 'root'),
    GCE_METADATA_HOST: metadataHost(inst.metadataServer),
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${ctx.opts.base()}/`,
    MYMLOPS_VM_ROOT: inst.sandbox,
    ...ctx.opts.vmEnv,
  };
  const vm = boot({
    sandbox: inst.sandbox,
    script,
    env,
    serial: inst.serial,
    onExit: () => {
      // A previous boot's script may end after a restart: only forget the current one.
      if (inst.child === vm.child) inst.child = null;
    },
  });
  inst.child = vm.child;
  inst.tail = setInterval(vm.drain, 40);
  inst.drain = vm.drain;
  const started = inst.lastStartAt;
  ctx.later(ctx.opts.vmLifetimeMs, () => {
    if (!inst.deleted && inst.lastStartAt === started && inst.status === 'RUNNING') {
      inst.serial.append(Buffer.from('simulator: VM lifetime exceeded, stopping\n'));
      halt(ctx, inst);
    }
  });
}

/** Kills the VM's processes (TERM, then KILL) and closes its metadata server. */
export function halt(ctx: SimContext, inst: SimInstance, then?: () => void): void {
  inst.status = 'STOPPING';
  const child = inst.child;
  if (child) killTree(child, 'SIGTERM');
  ctx.later(child ? 300 : 0, () => {
    if (child) killTree(child, 'SIGKILL');
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
  });
}

export function remove(ctx: SimContext, project: string, inst: SimInstance, type: string): SimOperation {
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, type, {
    link: String(inst.body['selfLink']),
    id: inst.id,
  });
  // Answer first: a VM deleting itself must get its response before its processes die.
  ctx.later(50, () =>
    halt(ctx, inst, () => {
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
    { link: String(inst.body['selfLink']), id: inst.id },
    user,
  );
  inst.status = 'STOPPING';
  ctx.later(20, () => halt(ctx, inst, () => ctx.world.finish(op)));
  return op;
}

export function start(ctx: SimContext, project: string, inst: SimInstance): Reply {
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, 'start', {
    link: String(inst.body['selfLink']),
    id: inst.id,
  });
  if (inst.status !== 'TERMINATED') {
    ctx.world.finish(op);
    return ok({ ...op.body });
  }
  inst.preempted = false;
  inst.status = 'STAGING';
  powerOn(ctx, project, inst, op);
  return ok({ ...op.body });
}

export function setMetadata(ctx: SimContext, project: string, inst: SimInstance, req: Resource): Reply {
  const md = inst.body['metadata'] as Resource;
  if (req['fingerprint'] !== md['fingerprint'])
    return fail(
      apiError(412, 'conditionNotMet', 'Supplied fingerprint does not match current metadata fingerprint.'),
    );
  md['items'] = (req['items'] as unknown[]) ?? [];
  md['fingerprint'] = Buffer.from(newId()).toString('base64').slice(0, 11) + '=';
  const op = ctx.world.newOperation(ctx.opts.base(), project, inst.zone, 'setMetadata', {
    link: String(inst.body['selfLink']),
    id: inst.id,
  });
  ctx.world.finish(op);
  return ok({ ...op.body });
}
