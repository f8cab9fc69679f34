// instances.insert request validation, worded as the real API's invalid-field errors.
import type { Instance, NetworkInterface } from '../../src/adapters/gce/api-types.js';
import { findImage, snapshotExists } from './images.js';
import { WIRE_FIELDS } from '../../src/adapters/gce/compute-v1.gen.js';
import { machineTypes } from './catalog.js';
import { fail, last, type Reply, type SimContext } from './context.js';
import { zoneRegion } from './fixture.js';
import { invalidMetadata } from './metadata.js';
import { apiError, notFound } from './shapes.js';

const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DISK_TYPES = [
  'pd-standard',
  'pd-balanced',
  'pd-ssd',
  'pd-extreme',
  'hyperdisk-balanced',
  'hyperdisk-extreme',
];

const invalid = (field: string, value: unknown, why: string) =>
  fail(apiError(400, 'invalid', `Invalid value for field '${field}': '${String(value ?? '')}'. ${why}`));

/** The zone named in a zonal resource URL (`…zones/Z/machineTypes/T`), or null for a bare name. */
const zoneOf = (url: unknown) => /(?:^|\/)zones\/([^/]+)\//.exec(String(url ?? ''))?.[1] ?? null;

/** A zonal reference (machine, accelerator or disk type) must name the instance's own zone. */
function otherZone(field: string, url: unknown, z: string): Reply | null {
  const named = zoneOf(url);
  return named && named !== z
    ? invalid(field, url, `The resource is in zone '${named}', not in the instance's zone '${z}'.`)
    : null;
}

/**
 * A network interface's subnetwork: the one named (regional: `regions/R/subnetworks/S`, or a bare
 * name in the instance's region), else the auto-mode network's subnetwork of the region.
 */
export function subnetworkOf(
  ctx: SimContext,
  n: NetworkInterface,
  region: string,
): { region: string; name: string; network: string; known: boolean } {
  const network = n.network ? last(n.network) : null;
  if (!n.subnetwork) {
    const net = network ?? 'default';
    const known = net === 'default' || (ctx.fixture.subnetworks ?? []).some((s) => s.network === net);
    return { region, name: net, network: net, known };
  }
  const r = /(?:^|\/)regions\/([^/]+)\/subnetworks\//.exec(n.subnetwork)?.[1] ?? region;
  const name = last(n.subnetwork);
  const fromFixture = (ctx.fixture.subnetworks ?? []).find((s) => s.region === r && s.name === name);
  const net = fromFixture?.network ?? (name === 'default' ? 'default' : (network ?? 'default'));
  return { region: r, name, network: net, known: Boolean(fromFixture) || name === 'default' };
}

function invalidNetworks(ctx: SimContext, req: Instance, region: string): Reply | null {
  for (const [i, n] of (req.networkInterfaces ?? []).entries()) {
    const field = `resource.networkInterfaces[${i}]`;
    const sub = subnetworkOf(ctx, n, region);
    if (!n.subnetwork) {
      if (!sub.known)
        return invalid(`${field}.network`, n.network, 'The referenced network resource cannot be found.');
      continue;
    }
    if (sub.region !== region)
      return invalid(
        `${field}.subnetwork`,
        n.subnetwork,
        `Subnetwork is in region '${sub.region}'; the instance is in region '${region}'.`,
      );
    if (!sub.known)
      return invalid(
        `${field}.subnetwork`,
        n.subnetwork,
        'The referenced subnetwork resource cannot be found.',
      );
    if (n.network && last(n.network) !== sub.network)
      return invalid(
        `${field}.subnetwork`,
        n.subnetwork,
        `Subnetwork does not belong to network '${last(n.network)}'.`,
      );
  }
  return null;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A body that does not parse as the message: an unknown field or an enum value the API does not
 * have. Worded as Google's front end words JSON it cannot map onto the request ("Invalid JSON
 * payload received. Unknown name \"x\" at 'y': Cannot find field.", as quoted from Google APIs in
 * public issue threads), paths in the proto's snake_case, with a BadRequest field violation.
 */
function badPayload(field: string, description: string): Reply {
  const message = description;
  return fail({
    error: {
      code: 400,
      message,
      errors: [{ message, domain: 'global', reason: 'invalid' }],
      status: 'INVALID_ARGUMENT',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] },
      ],
    },
  } as { error: { code: number } });
}

/** Checks `value` against the generated v1 wire types (`kind` as in WIRE_FIELDS); null when it fits. */
export function checkWire(value: unknown, kind: string, path: string): Reply | null {
  if (value === null || value === undefined) return null;
  if (kind.endsWith('[]')) {
    if (!Array.isArray(value)) return badPayload(path, `Invalid value at '${path}', expected a list.`);
    for (const [i, v] of value.entries()) {
      const bad = checkWire(v, kind.slice(0, -2), `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  const [what, arg = ''] = kind.split(/:(.*)/s);
  if (what === 'enum' && !arg.split('|').includes(String(value)))
    return badPayload(path, `Invalid value at '${path}' (enum), ${JSON.stringify(value)}`);
  if (what === 'map' && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const bad = checkWire(v, arg, `${path}[${JSON.stringify(k)}]`);
      if (bad) return bad;
    }
  if (what !== 'message') return null;
  const fields = WIRE_FIELDS[arg];
  if (!fields || typeof value !== 'object' || Array.isArray(value)) return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const f = fields[k];
    if (!f)
      return badPayload(
        path,
        `Invalid JSON payload received. Unknown name ${JSON.stringify(k)} at '${path}': Cannot find field.`,
      );
    const bad = checkWire(v, f, `${path}.${snake(k)}`);
    if (bad) return bad;
  }
  return null;
}

/** The error reply for an invalid insert request, or null when it may proceed. */
export function validateInsert(ctx: SimContext, project: string, z: string, req: Instance): Reply | null {
  const malformed = checkWire(req, 'message:Instance', 'instance_resource');
  if (malformed) return malformed;
  const sched0 = req.scheduling ?? {};
  // Scheduling.maxRunDuration: "the instance termination action will be performed at the end of the
  // run duration": there must be one.
  if (sched0.maxRunDuration && !sched0.instanceTerminationAction)
    return invalid(
      'resource.scheduling.instanceTerminationAction',
      '',
      'Instance termination action must be specified when max run duration is set.',
    );
  const name = String(req.name ?? '');
  const region = zoneRegion(ctx.fixture, z)!;
  if (!NAME_RE.test(name))
    return invalid('resource.name', name, "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'");
  if (ctx.world.instances.has(ctx.world.key(z, name)))
    return fail(
      apiError(
        409,
        'alreadyExists',
        `The resource 'projects/${project}/zones/${z}/instances/${name}' already exists`,
      ),
    );
  const mt = last(req.machineType);
  const wrongZone = otherZone('resource.machineType', req.machineType, z);
  if (wrongZone) return wrongZone;
  if (!machineTypes(ctx, project, z).some((m) => m['name'] === mt))
    return invalid(
      'resource.machineType',
      req.machineType,
      `Machine type with name '${mt}' does not exist in zone '${z}'.`,
    );
  const accs = req.guestAccelerators ?? [];
  for (const [i, acc] of accs.entries()) {
    const field = `resource.guestAccelerators[${i}].acceleratorType`;
    const elsewhere = otherZone(field, acc.acceleratorType, z);
    if (elsewhere) return elsewhere;
    const t = last(acc.acceleratorType);
    if (!ctx.fixture.zoneOffers[z]?.accelerators.includes(t))
      return invalid(field, acc.acceleratorType, `Accelerator type '${t}' does not exist in zone '${z}'.`);
  }
  const sched = req.scheduling ?? {};
  const spot = sched.provisioningModel === 'SPOT' || sched.preemptible === true;
  // Scheduling.onHostMaintenance: "For preemptible instances, the default and only possible behavior
  // is TERMINATE"; Scheduling.automaticRestart: "Preemptible instances cannot be automatically restarted."
  if (spot && sched.onHostMaintenance === 'MIGRATE')
    return invalid(
      'resource.scheduling.onHostMaintenance',
      'MIGRATE',
      "Scheduling must have preemptible be false when OnHostMaintenance isn't TERMINATE.",
    );
  if (spot && sched.automaticRestart === true)
    return invalid(
      'resource.scheduling.automaticRestart',
      'true',
      'Scheduling must have preemptible be false when AutomaticRestart is true.',
    );
  if (accs.length && !spot && sched.onHostMaintenance !== 'TERMINATE')
    return invalid(
      'resource.scheduling.onHostMaintenance',
      'MIGRATE',
      'Instances with guest accelerators do not support live migration.',
    );
  const disks = req.disks ?? [];
  const bootDisk = disks.find((x) => x.boot);
  if (!bootDisk) return invalid('resource.disks', '', 'Boot disk must be specified.');
  for (const [i, d] of disks.entries()) {
    const type = d.initializeParams?.diskType;
    if (!type) continue;
    const field = `resource.disks[${i}].initializeParams.diskType`;
    const elsewhere = otherZone(field, type, z);
    if (elsewhere) return elsewhere;
    if (!DISK_TYPES.includes(last(type)))
      return invalid(field, type, 'The referenced diskType resource cannot be found.');
  }
  const snap = bootDisk.initializeParams?.sourceSnapshot;
  if (snap && !snapshotExists(ctx, last(snap)))
    return fail(notFound(`projects/${project}/global/snapshots/${last(snap)}`));
  const image = bootDisk.initializeParams?.sourceImage;
  if (image && !findImage(ctx, project, image))
    return fail(
      notFound(
        image
          .replace(/^https?:\/\/[^/]+\/compute\/v1\//, '')
          .replace(/^global\//, `projects/${project}/global/`),
      ),
    );
  const badNetwork = invalidNetworks(ctx, req, region);
  if (badNetwork) return badNetwork;
  const badMetadata = invalidMetadata(req.metadata?.items, 'resource.metadata');
  if (badMetadata) return badMetadata;
  if (ctx.world.instances.size >= ctx.opts.maxVms)
    return fail(
      apiError(
        403,
        'quotaExceeded',
        `Quota 'INSTANCES' exceeded.  Limit: ${ctx.opts.maxVms}.0 in region ${region}.`,
      ),
    );
  return null;
}
