// Static resources of the simulated project: zones, regions, machine and accelerator types.
import type { SimContext } from './context.js';
import { zoneRegion } from './fixture.js';
import type { Resource } from './filter.js';
import { regionQuotas } from './quotas.js';

export function zoneResource(ctx: SimContext, project: string, z: string): Resource {
  const region = zoneRegion(ctx.fixture, z)!;
  return {
    kind: 'compute#zone',
    id: String(2000 + ctx.zones().indexOf(z)),
    creationTimestamp: '1969-12-31T16:00:00.000-08:00',
    name: z,
    description: z,
    status: 'UP',
    region: ctx.link(project, `regions/${region}`),
    selfLink: ctx.link(project, `zones/${z}`),
    availableCpuPlatforms: ['Intel Broadwell', 'Intel Skylake'],
    supportsPzs: false,
  };
}

export function regionResource(ctx: SimContext, project: string, r: string): Resource {
  return {
    kind: 'compute#region',
    id: String(1000 + Object.keys(ctx.fixture.regions).indexOf(r)),
    creationTimestamp: '1969-12-31T16:00:00.000-08:00',
    name: r,
    description: r,
    status: 'UP',
    zones: ctx.fixture.regions[r]!.zones.map((z) => ctx.link(project, `zones/${z}`)),
    quotas: regionQuotas(ctx, r),
    selfLink: ctx.link(project, `regions/${r}`),
    supportsPzs: false,
  };
}

/** The machine types offered in zone `z` (all of them unless the fixture restricts the zone). */
export function machineTypes(ctx: SimContext, project: string, z: string): Resource[] {
  const offer = ctx.fixture.zoneOffers[z];
  return Object.entries(ctx.fixture.machineTypes)
    .filter(([n]) => !offer?.machineTypes || offer.machineTypes.includes(n))
    .map(([n, m], i) => ({
      kind: 'compute#machineType',
      id: String(3000 + i),
      creationTimestamp: '1969-12-31T16:00:00.000-08:00',
      name: n,
      description: `${m.guestCpus} vCPUs, ${m.memoryMb / 1024} GB RAM`,
      guestCpus: m.guestCpus,
      memoryMb: m.memoryMb,
      imageSpaceGb: 0,
      maximumPersistentDisks: 128,
      maximumPersistentDisksSizeGb: '263168',
      zone: z,
      selfLink: ctx.link(project, `zones/${z}/machineTypes/${n}`),
      isSharedCpu: false,
    }));
}

export function acceleratorTypes(ctx: SimContext, project: string, z: string): Resource[] {
  return (ctx.fixture.zoneOffers[z]?.accelerators ?? []).map((a, i) => ({
    kind: 'compute#acceleratorType',
    id: String(10000 + i),
    creationTimestamp: '1969-12-31T16:00:00.000-08:00',
    name: a,
    description: ctx.fixture.accelerators[a]?.description ?? a,
    zone: ctx.link(project, `zones/${z}`),
    selfLink: ctx.link(project, `zones/${z}/acceleratorTypes/${a}`),
    maximumCardsPerInstance: ctx.fixture.accelerators[a]?.maxCardsPerInstance ?? 1,
  }));
}
