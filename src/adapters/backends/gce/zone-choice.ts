// Zone choice for a launch: the zones offering the machine (and accelerator), ranked by how many of
// our VMs already run in each region and by price (spot or on-demand, as the VM will run), with
// the caller's avoided zones last.
import { UserError } from '../../../errors.js';
import { hourlyPrice, type MachineShape } from '../../../core/zones/prices.js';
import { type RankedZone, rankZones, regionOf } from '../../../core/zones/rank.js';
import type { TokenSource } from '../../gce/auth.js';
import { type GceClient, lastSegment } from '../../gce/client.js';
import { GceApiError, GceUnavailable } from '../../gce/errors.js';
import { computePrices } from '../../gce/prices.js';
import { vmStatus } from '../../gce/vm-status.js';
import type { LaunchPlan } from '../../../core/ports/backend.js';

export interface ZoneChoice {
  zones: RankedZone[];
  shape: MachineShape;
  /** Why the ranking is weaker than usual (e.g. no prices), for the user; null when it is not. */
  note: string | null;
}

export interface ZoneChoiceDeps {
  /** The API client; only created once the plan is known to be usable. */
  client: () => Promise<GceClient>;
  /** The token source (set once the client exists), also used for the billing catalog. */
  tokens: () => TokenSource;
  env: NodeJS.ProcessEnv;
  /** Regions with a configured subnetwork (gcp.subnetwork); null: any region. */
  subnetworkRegions?: string[] | null;
}

export async function chooseZones(
  deps: ZoneChoiceDeps,
  plan: Pick<LaunchPlan, 'instance' | 'avoidZones'>,
): Promise<ZoneChoice> {
  const inst = plan.instance;
  if (!inst)
    throw new UserError(
      'the gce backend needs commit.instance in mymlops.yml',
      'add instance: {zone_regex, machine_type, snapshot}',
    );
  const c = await deps.client();
  const [machineZones, accZones, live, prices] = await Promise.all([
    c.machineTypeZones(inst.machine_type),
    inst.accelerator ? c.acceleratorZones(inst.accelerator) : Promise.resolve(null),
    c.instances('labels.mymlops:*'),
    computePrices(deps.tokens(), deps.env),
  ]).catch((e: unknown) => {
    if (e instanceof GceUnavailable) throw e.during('nothing was created; commit again in a minute');
    // A listing answered 404: what it lists (a zone, a type) does not exist for this project.
    if (e instanceof GceApiError && e.status === 404) {
      const what = inst.accelerator
        ? `machine type ${inst.machine_type} or accelerator ${inst.accelerator}`
        : `machine type ${inst.machine_type}`;
      throw new UserError(
        `${what} in zones matching ${inst.zone_regex} not found in project ${c.project} (${e.message})`,
        `check instance.machine_type and instance.zone_regex against \`gcloud compute machine-types list --filter=name=${inst.machine_type}\``,
      );
    }
    throw e;
  });
  if (machineZones.length === 0)
    throw new UserError(
      `machine type ${inst.machine_type} exists in no zone of project ${c.project}`,
      'check instance.machine_type (gcloud compute machine-types list)',
    );
  const mt = machineZones[0]!.item;
  const shape: MachineShape = {
    name: inst.machine_type,
    guestCpus: mt.guestCpus,
    memoryMb: mt.memoryMb,
    // A2/A3/G2: the GPUs come with the machine type and are billed as GPUs.
    accelerators: (mt.accelerators ?? []).map((a) => ({
      type: a.guestAcceleratorType ?? '',
      count: a.guestAcceleratorCount ?? 1,
    })),
  };
  const load: Record<string, number> = {};
  for (const { zone, item } of live) {
    if (!vmStatus(item.status).usingZone) continue;
    const acc = item.guestAccelerators?.[0] ? lastSegment(item.guestAccelerators[0].acceleratorType) : null;
    if (inst.accelerator && acc !== inst.accelerator) continue;
    load[regionOf(zone)] = (load[regionOf(zone)] ?? 0) + 1;
  }
  const r = rankZones({
    zoneRegex: inst.zone_regex,
    machineZones: machineZones.map((m) => m.zone),
    acceleratorZones: accZones ? accZones.map((a) => a.zone) : null,
    regions: deps.subnetworkRegions ?? null,
    load,
    price: (region) =>
      hourlyPrice(
        prices.table,
        region,
        shape,
        inst.accelerator,
        inst.accelerator_count,
        inst.spot ? 'spot' : 'ondemand',
      ),
    avoidZones: plan.avoidZones,
  });
  if (!r.ok)
    throw new UserError(
      r.message,
      r.reason === 'bad_regex'
        ? 'fix instance.zone_regex'
        : deps.subnetworkRegions
          ? 'widen instance.zone_regex, add a region to gcp.subnetwork, or change machine_type / accelerator'
          : 'widen instance.zone_regex or change machine_type / accelerator',
    );
  const note = r.note ? `${r.note}${prices.problem ? ` (${prices.problem})` : ''}` : null;
  return { zones: r.zones, shape, note };
}
