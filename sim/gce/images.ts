// Images, image families, boot disks and snapshots: images.get / images.getFromFamily (of any
// project), disks.createSnapshot of a VM's boot disk, snapshots.get / list / delete, and the first
// boot of a Deep Learning VM image, whose own unit installs the NVIDIA driver before the startup
// script runs (`install-nvidia-driver: True` with GPUs attached).
import type { Image, Snapshot } from '../../src/adapters/gce/api-types.js';
import { fail, last, ok, type Reply, type SimContext } from './context.js';
import { list } from './lists.js';
import { apiError, newId, notFound, timestamp } from './shapes.js';
import type { SimInstance, SimOperation } from './state.js';

/** An image of the fixture: `project/name`, its family, and whether its first boot installs the driver. */
export interface FixtureImage {
  project: string;
  name: string;
  family?: string;
  diskSizeGb?: number;
  /** A Deep Learning VM image: installs the NVIDIA driver at first boot when asked (metadata). */
  installsDriver?: boolean;
}

/** Public images every simulator has (the fixture's `images` adds to them). */
export const DEFAULT_IMAGES: FixtureImage[] = [
  { project: 'debian-cloud', name: 'debian-12-bookworm-v20241112', family: 'debian-12', diskSizeGb: 10 },
  {
    project: 'deeplearning-platform-release',
    name: 'pytorch-latest-gpu-v20241118',
    family: 'pytorch-latest-gpu',
    diskSizeGb: 50,
    installsDriver: true,
  },
  {
    project: 'deeplearning-platform-release',
    name: 'common-cu123-v20241118-debian-11-py310',
    family: 'common-cu123-debian-11-py310',
    diskSizeGb: 50,
    installsDriver: true,
  },
];

export interface SimSnapshot {
  body: Snapshot;
  /** The disk it was taken from had the NVIDIA driver installed (a VM booted from it skips the install). */
  driverInstalled: boolean;
}

/** Per VM: what its boot disk holds beyond the guest's files. */
const disks = new WeakMap<SimInstance, { image: FixtureImage | null; driverInstalled: boolean }>();

function images(ctx: SimContext): FixtureImage[] {
  return [...DEFAULT_IMAGES, ...(ctx.fixture.images ?? [])];
}

function imageBody(ctx: SimContext, i: FixtureImage): Image {
  return {
    kind: 'compute#image',
    id: String(4_100_000_000_000_000_000n + BigInt(i.name.length) * 7919n),
    creationTimestamp: '2024-11-18T10:00:00.000-08:00',
    name: i.name,
    sourceType: 'RAW',
    status: 'READY',
    archiveSizeBytes: String((i.diskSizeGb ?? 10) * 200_000_000),
    diskSizeGb: String(i.diskSizeGb ?? 10),
    ...(i.family ? { family: i.family } : {}),
    selfLink: ctx.link(i.project, `global/images/${i.name}`),
    labelFingerprint: '42WmSpB8rSM=',
    storageLocations: ['us'],
    architecture: 'X86_64',
  };
}

/** The image a `sourceImage` names (a family: its image), or null. */
export function findImage(ctx: SimContext, ownProject: string, ref: string): FixtureImage | null {
  const path = ref.replace(/^https?:\/\/[^/]+\/compute\/v1\//, '');
  const project = /^projects\/([^/]+)\//.exec(path)?.[1] ?? ownProject;
  const family = /\/images\/family\/([^/]+)$/.exec(path)?.[1];
  const name = last(path);
  return (
    images(ctx).find((i) => i.project === project && (family ? i.family === family : i.name === name)) ?? null
  );
}

/** Routes `projects/P/global/images[/NAME | /family/F]`. */
export function imageRoute(
  ctx: SimContext,
  method: string,
  url: URL,
  project: string,
  rest: string[],
): Reply {
  const [, name, family] = rest;
  if (method !== 'GET') return fail(notFound(url.pathname));
  if (!name) {
    const mine = images(ctx).filter((i) => i.project === project);
    return list(
      ctx,
      'compute#imageList',
      ctx.link(project, 'global/images'),
      mine.map((i) => imageBody(ctx, i)),
      url,
    );
  }
  const path =
    name === 'family'
      ? `projects/${project}/global/images/family/${family}`
      : `projects/${project}/global/images/${name}`;
  const found = findImage(ctx, project, path);
  return found ? ok(imageBody(ctx, found)) : fail(notFound(path));
}

/** At insert: what the new VM's boot disk comes from (the driver state a snapshot carries). */
export function recordBootDisk(
  ctx: SimContext,
  project: string,
  inst: SimInstance,
  source: { image?: string; snapshot?: string },
): void {
  const image = source.image ? findImage(ctx, project, source.image) : null;
  const snap = source.snapshot ? ctx.world.snapshots.get(last(source.snapshot)) : undefined;
  disks.set(inst, { image, driverInstalled: snap?.driverInstalled ?? false });
}

/**
 * Milliseconds the first boot spends installing the NVIDIA driver before the startup script runs
 * (0 when it does not): a Deep Learning VM image, asked through metadata, with GPUs attached.
 * The install happens once per disk.
 */
export function driverInstallMs(ctx: SimContext, inst: SimInstance): number {
  const d = disks.get(inst);
  if (!d?.image?.installsDriver || d.driverInstalled) return 0;
  const asked = inst.body.metadata?.items?.find((i) => i.key === 'install-nvidia-driver')?.value;
  if (String(asked).toLowerCase() !== 'true' || !inst.body.guestAccelerators?.length) return 0;
  d.driverInstalled = true;
  return ctx.opts.driverInstallMs;
}

/** A snapshot exists (made here, or, without a fixture list, any name as before). */
export function snapshotExists(ctx: SimContext, name: string): boolean {
  return ctx.world.snapshots.has(name) || !ctx.fixture.snapshots || ctx.fixture.snapshots.includes(name);
}

function globalOperation(
  ctx: SimContext,
  project: string,
  type: string,
  target: { link: string; id: string },
): SimOperation {
  const op = ctx.world.newOperation(ctx.opts.base(), project, 'global', type, target);
  delete op.body.zone;
  op.body.selfLink = ctx.link(project, `global/operations/${op.body.name}`);
  return op;
}

const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** snapshots.insert with `sourceDisk` (`…/zones/Z/disks/D`): as createSnapshot, with a global operation. */
export function insertSnapshot(ctx: SimContext, project: string, body: Snapshot): Reply {
  const m = /zones\/([^/]+)\/disks\/([^/]+)$/.exec(String(body.sourceDisk ?? ''));
  if (!m)
    return fail(
      apiError(
        400,
        'invalid',
        "Invalid value for field 'resource.sourceDisk': ''. A source disk is required.",
      ),
    );
  return createSnapshot(ctx, project, m[1]!, m[2]!, body, true);
}

/** disks.createSnapshot: `zones/Z/disks/NAME/createSnapshot` of a VM's boot disk (named as the VM). */
export function createSnapshot(
  ctx: SimContext,
  project: string,
  z: string,
  diskName: string,
  body: Snapshot,
  global = false,
): Reply {
  const inst = [...ctx.world.instances.values()].find(
    (i) => i.zone === z && !i.deleted && last(i.body.disks?.[0]?.source) === diskName,
  );
  if (!inst) return fail(notFound(`projects/${project}/zones/${z}/disks/${diskName}`));
  const name = String(body.name ?? '');
  if (!NAME_RE.test(name))
    return fail(
      apiError(
        400,
        'invalid',
        `Invalid value for field 'resource.name': '${name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
      ),
    );
  if (ctx.world.snapshots.has(name))
    return fail(
      apiError(
        409,
        'alreadyExists',
        `The resource 'projects/${project}/global/snapshots/${name}' already exists`,
      ),
    );
  const id = newId();
  const selfLink = ctx.link(project, `global/snapshots/${name}`);
  const sizeGb = String(inst.body.disks?.[0]?.diskSizeGb ?? '10');
  const snap: SimSnapshot = {
    driverInstalled: disks.get(inst)?.driverInstalled ?? false,
    body: {
      kind: 'compute#snapshot',
      id,
      creationTimestamp: timestamp(),
      name,
      description: String(body.description ?? ''),
      status: 'CREATING',
      sourceDisk: ctx.link(project, `zones/${z}/disks/${diskName}`),
      sourceDiskId: inst.id,
      diskSizeGb: sizeGb,
      storageBytes: '0',
      storageBytesStatus: 'UPDATING',
      selfLink,
      labels: body.labels ?? {},
      labelFingerprint: '42WmSpB8rSM=',
      storageLocations: ['us'],
      architecture: 'X86_64',
      snapshotType: 'STANDARD',
    },
  };
  ctx.world.snapshots.set(name, snap);
  const op = global
    ? globalOperation(ctx, project, 'insert', { link: selfLink, id })
    : ctx.world.newOperation(ctx.opts.base(), project, z, 'createSnapshot', {
        link: ctx.link(project, `zones/${z}/disks/${diskName}`),
        id: inst.id,
      });
  ctx.later(ctx.opts.bootDelayMs, () => {
    snap.body.status = 'UPLOADING';
    ctx.later(ctx.opts.bootDelayMs, () => {
      snap.body.status = 'READY';
      snap.body.storageBytes = String(Number(sizeGb) * 300_000_000);
      snap.body.storageBytesStatus = 'UP_TO_DATE';
      ctx.world.finish(op);
    });
  });
  return ok({ ...op.body });
}

/** Routes `projects/P/global/snapshots[/NAME]`. */
export function snapshotRoute(
  ctx: SimContext,
  method: string,
  url: URL,
  project: string,
  name: string | undefined,
  rawBody = '',
): Reply {
  if (!name) {
    if (method === 'POST') return insertSnapshot(ctx, project, JSON.parse(rawBody || '{}') as Snapshot);
    if (method !== 'GET') return fail(notFound(url.pathname));
    const all = [...ctx.world.snapshots.values()].map((s) => s.body);
    return list(ctx, 'compute#snapshotList', ctx.link(project, 'global/snapshots'), all, url);
  }
  const snap = ctx.world.snapshots.get(name);
  if (!snap) return fail(notFound(`projects/${project}/global/snapshots/${name}`));
  if (method === 'GET') return ok(snap.body);
  if (method !== 'DELETE') return fail(notFound(url.pathname));
  snap.body.status = 'DELETING';
  const op = globalOperation(ctx, project, 'delete', {
    link: String(snap.body.selfLink),
    id: String(snap.body.id),
  });
  ctx.later(ctx.opts.bootDelayMs, () => {
    ctx.world.snapshots.delete(name);
    ctx.world.finish(op);
  });
  return ok({ ...op.body });
}
