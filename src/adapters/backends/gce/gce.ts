// The GCE backend: a commit is a spot VM in the best zone that has capacity (ranked by load and spot
// price, failing over per SkyPilot's table), running the shared job script from its startup script
// and deleting itself at the end. Logs come from serial port 1; status from labelled instances.
// This class holds the per-process state (clients, known zones, log throttling) and delegates:
// zone-choice.ts (ranking), launch.ts (one zone's try; the failover loop is core's), listing.ts,
// serial-log.ts, cancel.ts.
import { instanceBody, keyContents } from './instance-body.js';
import { sayOnce } from '../../store/notes.js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GcpConfig, Instance } from '../../../config/types.js';
import { imagePath } from '../../../core/boot-image.js';
import type { Baker } from '../../../core/ports/baker.js';
import { GceBaker } from './image-bake.js';
import { err, ok, type Result } from '../../../errors.js';
import type { ArtifactStoreSetting } from '../../../core/ports/job-json.js';
import type { DevMachine, LogChunk, Machine } from '../../../core/model.js';
import { colorErr } from '../../../util/log.js';
import { mymlopsHome } from '../../../util/paths.js';
import { configuredProject, resolveProject, type TokenSource, tokenSource } from '../../gce/auth.js';
import { computeBase, GceClient } from '../../gce/client.js';
import { retryPolicy } from '../../gce/retry.js';
import { findLaunch, jobDir, readJson } from '../../store/jobs.js';
import type {
  BackendCapabilities,
  ComputeBackend,
  LaunchAttempt,
  LaunchFailure,
  LaunchPlan,
  WithDevMachines,
  WithImages,
  WithLaunchPreview,
  WithPreemptionCheck,
  WithRestart,
  Placement,
  PlacementFailure,
} from '../../../core/ports/backend.js';
import { cancelVm } from './cancel.js';
import { deleteDevVm, startDevVm, stopDevVm } from './dev-ops.js';
import { tryZone, zoneRequest, type ZoneTryContext } from './launch.js';
import { listMachines, wasPreemptedIn } from './listing.js';
import { readSerialLog, type SerialLogState } from './serial-log.js';
import { chooseZones, type ZoneChoice } from './zone-choice.js';
import { envValue } from '../../../util/env.js';

export interface GceBackendOptions {
  gcp?: GcpConfig;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the user (zone choice, failover); default: dim lines on stderr. */
  notify?: (line: string) => void;
  tokens?: TokenSource;
  /** Minimum time between serial-port reads of one VM (API read quota). */
  logPollMs?: number;
}

const DEFAULT_GCP: GcpConfig = {
  project: null,
  network: 'global/networks/default',
  subnetwork: null,
  service_account: 'default',
};

export class GceBackend
  implements ComputeBackend, WithDevMachines, WithRestart, WithImages, WithLaunchPreview, WithPreemptionCheck
{
  readonly kind = 'gce' as const;
  /** Kept results are published by starting the stopped VM again (restart), not in place. */
  readonly capabilities: BackendCapabilities = {
    devMachines: this,
    publishKept: null,
    restart: this,
    images: this,
    launchPreview: this,
    preemptionCheck: this,
  };
  private clientP: Promise<GceClient> | null = null;
  private readonly gcp: GcpConfig;
  private readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  /** A launch's progress lines (the port's notify): the notify option, or dim lines on stderr. */
  readonly notify: (line: string) => void;
  private readonly zones = new Map<string, string>();
  /** Serial-port log reading: VMs seen ending, last read per VM, poll interval. */
  private readonly logState: SerialLogState;
  private tokens: TokenSource | undefined;
  private readonly byProject = new Map<string, GceClient>();

  constructor(o: GceBackendOptions = {}) {
    this.gcp = o.gcp ?? DEFAULT_GCP;
    this.home = o.home ?? mymlopsHome();
    this.env = o.env ?? process.env;
    this.notify = o.notify ?? ((l) => process.stderr.write(`${colorErr.dim(l)}\n`));
    this.tokens = o.tokens;
    this.logState = {
      ended: new Set(),
      lastRead: new Map(),
      logPollMs: o.logPollMs ?? Number(envValue('MYMLOPS_GCE_LOG_POLL_MS', this.env) ?? 1000),
    };
  }

  client(): Promise<GceClient> {
    this.clientP ??= (async () => {
      this.tokens ??= tokenSource(this.env);
      const tokens = this.tokens;
      const project = await resolveProject(this.gcp.project, this.env);
      return new GceClient({ project, tokens, base: computeBase(this.env), retry: retryPolicy(this.env) });
    })();
    return this.clientP;
  }

  /**
   * The client for an existing VM: the project it was created in (recorded in the job folder at
   * launch) wins over the current default, so `logs`/`cancel` work without the config at hand.
   */
  async clientFor(machineName: string): Promise<GceClient> {
    const rec = findLaunch(machineName, this.home);
    const project = rec
      ? readJson<{ project?: string }>(join(jobDir(rec.commit, this.home), 'gce.json'))?.project
      : undefined;
    if (project && !this.gcp.project) {
      const cached = this.byProject.get(project);
      if (cached) return cached;
      this.tokens ??= tokenSource(this.env);
      const c = new GceClient({
        project,
        tokens: this.tokens,
        base: computeBase(this.env),
        retry: retryPolicy(this.env),
      });
      this.byProject.set(project, c);
      return c;
    }
    return this.client();
  }

  // ---------- launch ----------

  /** Ranked zones for the plan's machine (exported for dev VMs and `--dry-run`). */
  chooseZones(plan: Pick<LaunchPlan, 'instance' | 'avoidZones'>): Promise<ZoneChoice> {
    const subnetworkRegions = this.gcp.subnetwork ? Object.keys(this.gcp.subnetwork) : null;
    const deps = {
      client: () => this.client(),
      tokens: () => this.tokens!,
      env: this.env,
      subnetworkRegions,
    };
    return chooseZones(deps, plan);
  }

  /** The ranked zones as placements; "ranking by load alone" is said once, not at every commit. */
  async placements(shape: Pick<LaunchPlan, 'instance' | 'avoidZones'>): Promise<Placement[]> {
    const { zones, note } = await this.chooseZones(shape);
    sayOnce(this.home, 'gce-prices', note, (n) => this.notify(`mymlops: ${n}`));
    return zones.map((z) => ({ zone: z.zone, region: z.region, hourlyUsd: z.hourly }));
  }

  private async zoneTry(plan: LaunchPlan): Promise<ZoneTryContext> {
    return {
      client: await this.client(),
      gcp: this.gcp,
      home: this.home,
      notify: this.notify,
      keys: keyContents(plan, (file) => readFileSync(file, 'utf8')),
    };
  }

  /** Builds the insert body (a plan the API would refuse throws here) and a new requestId. */
  async prepareAttempt(plan: LaunchPlan, at: Placement): Promise<LaunchAttempt> {
    if (at.zone === null) throw new Error('a GCE placement has a zone');
    zoneRequest(await this.zoneTry(plan), plan, at.zone);
    return { machine: plan.machineName, zone: at.zone, requestId: randomUUID() };
  }

  async tryPlacement(plan: LaunchPlan, attempt: LaunchAttempt): Promise<Result<Machine, PlacementFailure>> {
    const r = await tryZone(await this.zoneTry(plan), plan, attempt);
    if (r.ok && r.value.zone) this.zones.set(plan.machineName, r.value.zone);
    return r;
  }

  describeLaunch(plan: LaunchPlan): Record<string, unknown> {
    const keys = keyContents(plan, null);
    const project = configuredProject(this.gcp.project, this.env) ?? '<project>';
    const body = instanceBody({
      plan,
      project,
      zone: '<zone chosen at launch>',
      gcp: this.gcp,
      keys,
    });
    return { method: 'POST', path: `projects/${project}/zones/<zone chosen at launch>/instances`, body };
  }

  async baker(): Promise<Baker> {
    const c = await this.client();
    return new GceBaker(
      c,
      this.gcp,
      async (instance) => {
        const choice = await this.chooseZones({ instance, avoidZones: [] });
        return choice.zones.map((z) => z.zone);
      },
      this.logState.logPollMs,
    );
  }

  async describeBoot(instance: Instance): Promise<string | null> {
    if (!instance.image) return null;
    const path = imagePath(instance.image);
    try {
      const image = await (await this.client()).getImage(path);
      const status = image.status && image.status !== 'READY' ? ` (${image.status})` : '';
      return `${image.selfLink ?? image.name ?? path}${status}`;
    } catch (e) {
      return `${path} (not resolved: ${e instanceof Error ? e.message : String(e)})`;
    }
  }

  // ---------- list / logs / cancel ----------

  async list(): Promise<Machine[]> {
    const c = await this.client();
    const windowMs = Number(envValue('MYMLOPS_GCE_GUEST_READ_MS', this.env)) || undefined;
    return listMachines(c, (name, zone) => this.zones.set(name, zone), { home: this.home, windowMs });
  }

  /** The zone of a VM: remembered, from the launch record, or looked up by name. */
  async zoneOf(machineName: string): Promise<string | null> {
    const known = this.zones.get(machineName) ?? findLaunch(machineName, this.home)?.zone ?? null;
    if (known) return known;
    const c = await this.clientFor(machineName);
    const hit = await c.instances(`name = ${machineName}`);
    const zone = hit[0]?.zone ?? null;
    if (zone) this.zones.set(machineName, zone);
    return zone;
  }

  async readLog(machineName: string, from: number): Promise<LogChunk> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return { text: '', next: from, done: true };
    return readSerialLog(this.logState, () => this.clientFor(machineName), zone, machineName, from);
  }

  /** Cancels a commit: asks the job to stop (graceful, up to graceMs), then deletes the VM (cancel.ts). */
  async cancel(
    machineName: string,
    graceMs = Number(envValue('MYMLOPS_GCE_CANCEL_GRACE_MS', this.env) ?? 180_000),
  ): Promise<void> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return;
    const c = await this.clientFor(machineName);
    await cancelVm(c, zone, machineName, graceMs, this.logState.logPollMs);
  }

  // ---------- dev VMs: stop / resume / delete ----------

  private async devVm(name: string): Promise<{ c: GceClient; zone: string }> {
    const zone = await this.zoneOf(name);
    if (!zone) throw new Error(`no dev VM ${name}`);
    return { c: await this.clientFor(name), zone };
  }

  async stopDev(name: string): Promise<void> {
    const { c, zone } = await this.devVm(name);
    await stopDevVm(c, zone, name);
  }

  async resumeDev(name: string): Promise<Result<DevMachine, LaunchFailure>> {
    const { c, zone } = await this.devVm(name);
    await startDevVm(c, zone, name);
    const m = (await this.list()).find((x): x is DevMachine => x.name === name && x.kind === 'start');
    if (!m) return err({ code: 'other', message: `dev VM ${name} vanished while starting`, zonesTried: [] });
    return ok(m);
  }

  async deleteDev(name: string): Promise<void> {
    const { c, zone } = await this.devVm(name);
    await deleteDevVm(c, zone, name);
  }

  /**
   * Starts a stopped VM again: a commit VM that kept its result unpublished publishes it at boot,
   * with `store` (the artifact store configured now) from its metadata when one is given.
   */
  async resume(
    machineName: string,
    store: ArtifactStoreSetting | null = null,
  ): Promise<{ zone: string | null }> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return { zone: null };
    const c = await this.clientFor(machineName);
    if (store)
      await c.waitOperation(
        zone,
        await c.setMetadata(zone, machineName, {
          'mymlops-artifact-store': store.url,
          'mymlops-artifact-store-min-mb': String(store.min_mb),
        }),
      );
    await c.waitOperation(zone, await c.startInstance(zone, machineName));
    return { zone };
  }

  /** Whether a VM was preempted (a compute.instances.preempted operation targets it). */
  async wasPreempted(machineName: string): Promise<boolean> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return false;
    const c = await this.clientFor(machineName);
    return wasPreemptedIn(c, zone, machineName);
  }
}
