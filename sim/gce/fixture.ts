// The simulator's world: regions, zones, machine types, accelerators and spot prices (a JSON
// fixture; `fixture.json` is the default, tests pass their own).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureImage } from './images.js';

export interface Fixture {
  projectNumber: string;
  regions: Record<string, { zones: string[]; geo?: string }>;
  machineTypes: Record<string, { guestCpus: number; memoryMb: number }>;
  accelerators: Record<string, { description: string; maxCardsPerInstance: number; billingName?: string }>;
  /** Per zone: accelerators offered (every machine type is offered in every zone unless `machineTypes` lists them). */
  zoneOffers: Record<string, { accelerators: string[]; machineTypes?: string[] }>;
  /** Per region: spot price per vCPU hour / GiB hour per machine family, and per GPU hour. */
  spotPrices: Record<
    string,
    { families: Record<string, { core: number; ram: number }>; gpu: Record<string, number> }
  >;
  /** Custom-mode subnetworks (regional); the auto-mode network `default` has `default` in every region. */
  subnetworks?: { region: string; name: string; network: string }[];
  /** When set, only these snapshots exist (others: 404 on insert). */
  snapshots?: string[];
  /** Images besides the public ones every simulator has (images.ts DEFAULT_IMAGES). */
  images?: FixtureImage[];
}

export function defaultFixture(): Fixture {
  const dir = dirname(fileURLToPath(import.meta.url));
  return JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Fixture;
}

export function zoneRegion(f: Fixture, zone: string): string | null {
  for (const [r, v] of Object.entries(f.regions)) if (v.zones.includes(zone)) return r;
  return null;
}
