// instances.insert: validation, injected faults, and the new instance resource (then boots it).
import { join } from 'node:path';
import { fail, last, ok, type Reply, type SimContext } from './context.js';
import { faultError } from './faults.js';
import { zoneRegion } from './fixture.js';
import type { Resource } from './filter.js';
import { powerOn } from './lifecycle.js';
import { apiError, newId, timestamp } from './shapes.js';
import type { SimInstance } from './state.js';
import { validateInsert } from './validate.js';
import { SerialBuffer } from './vm.js';

export function insert(ctx: SimContext, project: string, z: string, req: Resource): Reply {
  const invalid = validateInsert(ctx, project, z, req);
  if (invalid) return invalid;
  const name = String(req['name']);
  const region = zoneRegion(ctx.fixture, z);
  const fault = ctx.world.fault(z, region, (x) => zoneRegion(ctx.fixture, x));
  if (fault) {
    if (fault.remaining !== null) fault.remaining--;
    const e = faultError(ctx, project, z, fault, req);
    if (fault.via === 'http') {
      const reason = e.code === 'QUOTA_EXCEEDED' ? 'quotaExceeded' : e.http === 403 ? 'forbidden' : e.code;
      return fail(apiError(e.http, reason, e.message));
    }
    const op = ctx.world.newOperation(ctx.opts.base(), project, z, 'insert', {
      link: ctx.link(project, `zones/${z}/instances/${name}`),
      id: newId(),
    });
    ctx.later(ctx.opts.bootDelayMs, () => ctx.world.finish(op, e));
    return ok({ ...op.body });
  }
  const id = newId();
  const selfLink = ctx.link(project, `zones/${z}/instances/${name}`);
  const now = new Date();
  const bootDisk = ((req['disks'] as Resource[]) ?? []).find((x) => x['boot'])!;
  const init = (bootDisk['initializeParams'] as Resource | undefined) ?? {};
  const netIfs = ((req['networkInterfaces'] as Resource[] | undefined) ?? [{}]).map((n, i) => ({
    kind: 'compute#networkInterface',
    network: ctx.link(
      project,
      String(n['network'] ?? 'global/networks/default').replace(/^.*projects\/[^/]+\//, ''),
    ),
    subnetwork: ctx.link(project, `regions/${region}/subnetworks/default`),
    networkIP: `10.128.0.${(ctx.world.instances.size % 250) + 2}`,
    name: `nic${i}`,
    accessConfigs: ((n['accessConfigs'] as Resource[] | undefined) ?? []).map((ac) => ({
      kind: 'compute#accessConfig',
      type: 'ONE_TO_ONE_NAT',
      name: String(ac['name'] ?? 'External NAT'),
      natIP: `203.0.113.${(ctx.world.instances.size % 250) + 2}`,
      networkTier: 'PREMIUM',
    })),
    fingerprint: 'nicfp000000=',
    stackType: 'IPV4_ONLY',
  }));
  const body: Resource = {
    kind: 'compute#instance',
    id,
    creationTimestamp: timestamp(now),
    name,
    description: String(req['description'] ?? ''),
    tags: { fingerprint: '42WmSpB8rSM=' },
    machineType: ctx.link(project, `zones/${z}/machineTypes/${last(req['machineType'])}`),
    status: 'PROVISIONING',
    zone: ctx.link(project, `zones/${z}`),
    canIpForward: false,
    networkInterfaces: netIfs,
    disks: [
      {
        kind: 'compute#attachedDisk',
        type: 'PERSISTENT',
        mode: 'READ_WRITE',
        source: ctx.link(project, `zones/${z}/disks/${name}`),
        deviceName: 'persistent-disk-0',
        index: 0,
        boot: true,
        autoDelete: bootDisk['autoDelete'] ?? false,
        interface: 'SCSI',
        diskSizeGb: String(init['diskSizeGb'] ?? 10),
        architecture: 'X86_64',
      },
    ],
    metadata: {
      kind: 'compute#metadata',
      fingerprint: 'mdfp0000000=',
      items: ((req['metadata'] as Resource | undefined)?.['items'] as unknown[]) ?? [],
    },
    serviceAccounts: req['serviceAccounts'] ?? [],
    selfLink,
    scheduling: {
      onHostMaintenance: 'MIGRATE',
      automaticRestart: true,
      preemptible: false,
      provisioningModel: 'STANDARD',
      ...((req['scheduling'] as Resource | undefined) ?? {}),
    },
    cpuPlatform: 'Unknown CPU Platform',
    labels: req['labels'] ?? {},
    labelFingerprint: 'lbfp0000000=',
    startRestricted: false,
    deletionProtection: false,
    fingerprint: 'fp000000000=',
    ...(req['guestAccelerators']
      ? {
          guestAccelerators: (req['guestAccelerators'] as Resource[]).map((g) => ({
            acceleratorType: ctx.link(project, `zones/${z}/acceleratorTypes/${last(g['acceleratorType'])}`),
            acceleratorCount: g['acceleratorCount'] ?? 1,
          })),
        }
      : {}),
  };
  const inst: SimInstance = {
    name,
    zone: z,
    id,
    status: 'PROVISIONING',
    body,
    preempted: false,
    serial: new SerialBuffer(),
    sandbox: join(ctx.opts.sandboxRoot, `${z}-${name}-${id.slice(-6)}`),
    child: null,
    tail: null,
    drain: null,
    metadataServer: null,
    createdAt: now,
    lastStartAt: null,
    lastStopAt: null,
    deleted: false,
  };
  ctx.world.instances.set(ctx.world.key(z, name), inst);
  const op = ctx.world.newOperation(ctx.opts.base(), project, z, 'insert', { link: selfLink, id });
  powerOn(ctx, project, inst, op);
  return ok({ ...op.body });
}
