// instances.insert request validation, with the real API's error codes and messages.
import { machineTypes } from './catalog.js';
import { fail, last, type Reply, type SimContext } from './context.js';
import { zoneRegion } from './fixture.js';
import type { Resource } from './filter.js';
import { apiError, notFound } from './shapes.js';

const METADATA_VALUE_MAX = 256 * 1024;
const METADATA_TOTAL_MAX = 512 * 1024;
const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The error reply for an invalid insert request, or null when it may proceed. */
export function validateInsert(ctx: SimContext, project: string, z: string, req: Resource): Reply | null {
  const name = String(req['name'] ?? '');
  const invalid = (msg: string) => fail(apiError(400, 'invalid', msg));
  if (!NAME_RE.test(name))
    return invalid(
      `Invalid value for field 'resource.name': '${name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
    );
  if (ctx.world.instances.has(ctx.world.key(z, name)))
    return fail(
      apiError(
        409,
        'alreadyExists',
        `The resource 'projects/${project}/zones/${z}/instances/${name}' already exists`,
      ),
    );
  const mt = last(req['machineType']);
  if (!machineTypes(ctx, project, z).some((m) => m['name'] === mt))
    return invalid(
      `Invalid value for field 'resource.machineType': '${String(req['machineType'] ?? '')}'. Machine type with name '${mt}' does not exist in zone '${z}'.`,
    );
  const accs = (req['guestAccelerators'] as Resource[] | undefined) ?? [];
  for (const acc of accs) {
    const t = last(acc['acceleratorType']);
    if (!ctx.fixture.zoneOffers[z]?.accelerators.includes(t))
      return invalid(
        `Invalid value for field 'resource.guestAccelerators[0].acceleratorType': '${String(acc['acceleratorType'])}'. Accelerator type '${t}' does not exist in zone '${z}'.`,
      );
  }
  const sched = (req['scheduling'] as Resource | undefined) ?? {};
  if (accs.length && sched['onHostMaintenance'] !== 'TERMINATE')
    return invalid(
      "Invalid value for field 'resource.scheduling.onHostMaintenance': 'MIGRATE'. Instances with guest accelerators do not support live migration.",
    );
  const disks = (req['disks'] as Resource[] | undefined) ?? [];
  const bootDisk = disks.find((x) => x['boot']);
  if (!bootDisk) return invalid("Invalid value for field 'resource.disks': ''. Boot disk must be specified.");
  const snap = (bootDisk['initializeParams'] as Resource | undefined)?.['sourceSnapshot'];
  if (snap && ctx.fixture.snapshots && !ctx.fixture.snapshots.includes(last(snap)))
    return fail(notFound(`projects/${project}/global/snapshots/${last(snap)}`));
  const items =
    ((req['metadata'] as Resource | undefined)?.['items'] as { key: string; value: string }[]) ?? [];
  let total = 0;
  for (const it of items) {
    const size = Buffer.byteLength(it.value ?? '') + Buffer.byteLength(it.key ?? '');
    total += size;
    if (Buffer.byteLength(it.value ?? '') > METADATA_VALUE_MAX)
      return invalid(
        `Value for field 'resource.metadata.items[${items.indexOf(it)}].value' is too large: maximum size ${METADATA_VALUE_MAX} character(s); actual size ${Buffer.byteLength(it.value)}.`,
      );
  }
  if (total > METADATA_TOTAL_MAX)
    return invalid(
      `Metadata has too many entries or is too large: maximum size ${METADATA_TOTAL_MAX}; actual ${total}.`,
    );
  if (ctx.world.instances.size >= ctx.opts.maxVms)
    return fail(
      apiError(
        403,
        'quotaExceeded',
        `Quota 'INSTANCES' exceeded.  Limit: ${ctx.opts.maxVms}.0 in region ${zoneRegion(ctx.fixture, z)}.`,
      ),
    );
  return null;
}
