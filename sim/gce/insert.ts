// instances.insert: requestId idempotency, validation, injected faults, and the new instance
// resource (then boots it).
import { join } from 'node:path';
import type { Instance, NetworkInterface, Scheduling } from '../../src/adapters/gce/api-types.js';
import { fail, last, ok, type Reply, type SimContext } from './context.js';
import { answerLost, faultError } from './faults.js';
import { zoneRegion } from './fixture.js';
import { powerOn } from './lifecycle.js';
import { recordBootDisk } from './images.js';
import { newFingerprint } from './metadata.js';
import { apiError, newId, timestamp } from './shapes.js';
import type { SimInstance } from './state.js';
import { subnetworkOf, validateInsert } from './validate.js';
import { quotaRefusal } from './quotas.js';
import { SerialBuffer } from './vm.js';

// compute v1 reference, requestId: "if you must retry your request, the server will know to ignore
// the request if it has already been completed. ... The request ID must be a valid UUID with the
// exception that zero UUID is not supported (00000000-0000-0000-0000-000000000000)."
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function insert(
  ctx: SimContext,
  project: string,
  z: string,
  req: Instance,
  requestId: string | null,
): Reply {
  const reply = insertOnce(ctx, project, z, req, requestId);
  return answerLost(ctx, z) ? { ...reply, drop: true } : reply;
}

function insertOnce(
  ctx: SimContext,
  project: string,
  z: string,
  req: Instance,
  requestId: string | null,
): Reply {
  if (requestId !== null) {
    if (!UUID_RE.test(requestId) || /^[0-]+$/.test(requestId))
      return fail(
        apiError(
          400,
          'invalid',
          `Invalid value for field 'requestId': '${requestId}'. The request ID must be a valid UUID.`,
        ),
      );
    const done = ctx.world.insertRequests.get(`${project}/${z}/${requestId}`);
    if (done) return ok({ ...done.body });
  }
  const reply = create(ctx, project, z, req);
  const op =
    reply.code === 200 ? ctx.world.operations.get(String((reply.body as { name?: string }).name)) : null;
  if (requestId !== null && op) ctx.world.insertRequests.set(`${project}/${z}/${requestId}`, op);
  return reply;
}

/** The scheduling GCE stores: its defaults filled in for what the request left out. */
function scheduling(req: Scheduling | undefined): Scheduling {
  const spot = req?.provisioningModel === 'SPOT' || req?.preemptible === true;
  // Scheduling.onHostMaintenance: "For standard instances, the default behavior is MIGRATE. For
  // preemptible instances, the default and only possible behavior is TERMINATE." Spot VMs are
  // preemptible (gcloud sends `preemptible: true` with SPOT) and stop on preemption by default.
  return spot
    ? {
        onHostMaintenance: 'TERMINATE',
        automaticRestart: false,
        preemptible: true,
        instanceTerminationAction: 'STOP',
        ...req,
        provisioningModel: 'SPOT',
      }
    : {
        onHostMaintenance: 'MIGRATE',
        automaticRestart: true,
        preemptible: false,
        provisioningModel: 'STANDARD',
        ...req,
      };
}

function create(ctx: SimContext, project: string, z: string, req: Instance): Reply {
  const invalid = validateInsert(ctx, project, z, req);
  if (invalid) return invalid;
  const name = String(req.name);
  const region = zoneRegion(ctx.fixture, z)!;
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
  const overQuota = quotaRefusal(ctx, z, req);
  if (overQuota) return fail(overQuota);
  const id = newId();
  const selfLink = ctx.link(project, `zones/${z}/instances/${name}`);
  const now = new Date();
  const bootDisk = (req.disks ?? []).find((x) => x.boot)!;
  const init = bootDisk.initializeParams ?? {};
  const netIfs: NetworkInterface[] = (req.networkInterfaces ?? [{}]).map((n, i) => {
    // NetworkInterface.network: "If network is not specified but subnetwork is specified, the
    // network is inferred."
    const sub = subnetworkOf(ctx, n, region);
    return {
      kind: 'compute#networkInterface',
      network: ctx.link(project, `global/networks/${sub.network}`),
      subnetwork: ctx.link(project, `regions/${sub.region}/subnetworks/${sub.name}`),
      networkIP: `10.128.0.${(ctx.world.instances.size % 250) + 2}`,
      name: `nic${i}`,
      accessConfigs: (n.accessConfigs ?? []).map((ac) => ({
        kind: 'compute#accessConfig',
        type: 'ONE_TO_ONE_NAT',
        name: String(ac.name ?? 'External NAT'),
        natIP: `203.0.113.${(ctx.world.instances.size % 250) + 2}`,
        networkTier: 'PREMIUM',
      })),
      fingerprint: 'nicfp000000=',
      stackType: 'IPV4_ONLY',
    };
  });
  const body: Instance = {
    kind: 'compute#instance',
    id,
    creationTimestamp: timestamp(now),
    name,
    description: String(req.description ?? ''),
    tags: { fingerprint: '42WmSpB8rSM=' },
    machineType: ctx.link(project, `zones/${z}/machineTypes/${last(req.machineType)}`),
    status: 'PROVISIONING',
    zone: ctx.link(project, `zones/${z}`),
    canIpForward: false,
    networkInterfaces: netIfs,
    disks: [
      {
        kind: 'compute#attachedDisk',
        type: 'PERSISTENT',
        mode: 'READ_WRITE',
        source: ctx.link(project, `zones/${z}/disks/${init.diskName ?? name}`),
        deviceName: bootDisk.deviceName ?? 'persistent-disk-0',
        index: 0,
        boot: true,
        autoDelete: bootDisk.autoDelete ?? false,
        interface: 'SCSI',
        diskSizeGb: String(init.diskSizeGb ?? 10),
        architecture: 'X86_64',
      },
    ],
    metadata: { kind: 'compute#metadata', fingerprint: newFingerprint(), items: req.metadata?.items ?? [] },
    serviceAccounts: req.serviceAccounts ?? [],
    selfLink,
    scheduling: scheduling(req.scheduling),
    cpuPlatform: 'Unknown CPU Platform',
    labels: req.labels ?? {},
    labelFingerprint: 'lbfp0000000=',
    startRestricted: false,
    deletionProtection: false,
    fingerprint: 'fp000000000=',
    ...(req.guestAccelerators
      ? {
          guestAccelerators: req.guestAccelerators.map((g) => ({
            acceleratorType: ctx.link(project, `zones/${z}/acceleratorTypes/${last(g.acceleratorType)}`),
            acceleratorCount: g.acceleratorCount ?? 1,
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
    guestQueries: { reads: [], writes: [] },
    metadataWaiters: new Set(),
  };
  ctx.world.instances.set(ctx.world.key(z, name), inst);
  recordBootDisk(ctx, project, inst, { image: init.sourceImage, snapshot: init.sourceSnapshot });
  const op = ctx.world.newOperation(ctx.opts.base(), project, z, 'insert', { link: selfLink, id });
  powerOn(ctx, project, inst, op);
  return ok({ ...op.body });
}
