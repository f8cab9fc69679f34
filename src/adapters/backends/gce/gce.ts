// The GCE backend: a commit is a spot VM in the best zone that has capacity (ranked by load and spot
// price, failing over per SkyPilot's table), running the shared job script from its startup script
// and deleting itself at the end. Logs come from serial port 1; status from labelled instances.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GcpConfig } from '../../../config/types.js';
import { err, ok, type Result, UserError } from '../../../errors.js';
import type { LiveMachine, LogChunk, ZoneAttempt } from '../../../core/model.js';
import { hourlyPrice, type MachineShape } from '../../../core/zones/prices.js';
import { type RankedZone, rankZones, regionOf } from '../../../core/zones/rank.js';
import { colorErr } from '../../../util/log.js';
import { mymlopsHome } from '../../../util/paths.js';
import { resolveProject, type TokenSource, tokenSource } from '../../gce/auth.js';
import { computeBase, GceClient, lastSegment } from '../../gce/client.js';
import { type Classified, classifyError, explain, GceApiError } from '../../gce/errors.js';
import { spotPrices } from '../../gce/prices.js';
import { findLaunch, jobDir, readJson, writeJson } from '../../store/jobs.js';
import type { ComputeBackend, LaunchFailure, LaunchPlan, Launched } from '../types.js';
import { instanceBody } from './instance-body.js';
import { withIdleStates } from './dev-idle.js';
import { toMachine } from './machines.js';
import { VM_DONE_MARKER } from './startup-script.js';

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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class GceBackend implements ComputeBackend {
  readonly kind = 'gce' as const;
  private clientP: Promise<GceClient> | null = null;
  private readonly gcp: GcpConfig;
  private readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly notify: (line: string) => void;
  private readonly zones = new Map<string, string>();
  private readonly ended = new Set<string>();
  private readonly lastRead = new Map<string, number>();
  private readonly logPollMs: number;
  private tokens: TokenSource | undefined;
  private readonly byProject = new Map<string, GceClient>();

  constructor(o: GceBackendOptions = {}) {
    this.gcp = o.gcp ?? DEFAULT_GCP;
    this.home = o.home ?? mymlopsHome();
    this.env = o.env ?? process.env;
    this.notify = o.notify ?? ((l) => process.stderr.write(`${colorErr.dim(l)}\n`));
    this.tokens = o.tokens;
    this.logPollMs = o.logPollMs ?? Number(this.env['MYMLOPS_GCE_LOG_POLL_MS'] ?? 1000);
  }

  private prepared: { key: string; zones: ReturnType<GceBackend['chooseZones']> } | null = null;

  client(): Promise<GceClient> {
    this.clientP ??= (async () => {
      this.tokens ??= tokenSource(this.env);
      const tokens = this.tokens;
      const project = await resolveProject(this.gcp.project, this.env);
      return new GceClient({ project, tokens, base: computeBase(this.env) });
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
      const c = new GceClient({ project, tokens: this.tokens, base: computeBase(this.env) });
      this.byProject.set(project, c);
      return c;
    }
    return this.client();
  }

  // ---------- launch ----------

  /** Ranked zones for the plan's machine (exported for dev VMs and `--dry-run`). */
  async chooseZones(
    plan: Pick<LaunchPlan, 'instance' | 'avoidZones'>,
  ): Promise<{ zones: RankedZone[]; shape: MachineShape; note: string | null }> {
    const inst = plan.instance;
    if (!inst)
      throw new UserError(
        'the gce backend needs commit.instance in mymlops.yml',
        'add instance: {zone_regex, machine_type, snapshot}',
      );
    const c = await this.client();
    const [machineZones, accZones, live, prices] = await Promise.all([
      c.machineTypeZones(inst.machine_type),
      inst.accelerator ? c.acceleratorZones(inst.accelerator) : Promise.resolve(null),
      c.instances('labels.mymlops:*'),
      spotPrices(this.tokens!, this.env),
    ]);
    if (machineZones.length === 0)
      throw new UserError(
        `machine type ${inst.machine_type} exists in no zone of project ${c.project}`,
        'check instance.machine_type (gcloud compute machine-types list)',
      );
    const shape = {
      name: inst.machine_type,
      guestCpus: machineZones[0]!.item.guestCpus,
      memoryMb: machineZones[0]!.item.memoryMb,
    };
    const load: Record<string, number> = {};
    for (const { zone, item } of live) {
      if (!['PROVISIONING', 'STAGING', 'RUNNING'].includes(item.status)) continue;
      const acc = item.guestAccelerators?.[0] ? lastSegment(item.guestAccelerators[0].acceleratorType) : null;
      if (inst.accelerator && acc !== inst.accelerator) continue;
      load[regionOf(zone)] = (load[regionOf(zone)] ?? 0) + 1;
    }
    const r = rankZones({
      zoneRegex: inst.zone_regex,
      machineZones: machineZones.map((m) => m.zone),
      acceleratorZones: accZones ? accZones.map((a) => a.zone) : null,
      load,
      price: (region) => hourlyPrice(prices.table, region, shape, inst.accelerator, inst.accelerator_count),
      avoidZones: plan.avoidZones ?? [],
    });
    if (!r.ok)
      throw new UserError(
        r.message,
        r.reason === 'bad_regex'
          ? 'fix instance.zone_regex'
          : 'widen instance.zone_regex or change machine_type / accelerator',
      );
    const note = r.note ? `${r.note}${prices.problem ? ` (${prices.problem})` : ''}` : null;
    return { zones: r.zones, shape, note };
  }

  prepare(plan: Pick<LaunchPlan, 'instance' | 'avoidZones'>): void {
    const key = JSON.stringify([plan.instance, plan.avoidZones ?? []]);
    const zones = this.chooseZones(plan);
    zones.catch(() => {}); // launch() reports it; a launch that never comes must not crash the process.
    this.prepared = { key, zones };
  }

  async launch(plan: LaunchPlan): Promise<Result<Launched, LaunchFailure>> {
    const key = JSON.stringify([plan.instance, plan.avoidZones ?? []]);
    const prepared = this.prepared?.key === key ? this.prepared.zones : null;
    this.prepared = null;
    const { zones, note } = await (prepared ?? this.chooseZones(plan));
    if (note) this.notify(`mymlops: ${note}`);
    const c = await this.client();
    const keys: Record<string, string> = {};
    for (const [name, file] of Object.entries(plan.keys)) if (file) keys[name] = readFileSync(file, 'utf8');
    const tried: ZoneAttempt[] = [];
    const blockedRegions = new Set<string>();
    let lastFailure: Classified | null = null;
    for (const z of zones) {
      if (blockedRegions.has(z.region)) continue;
      const body = instanceBody({
        plan,
        project: c.project,
        zone: z.zone,
        gcp: this.gcp,
        jobConfig: this.jobConfigFor(plan, z, tried),
        keys,
      });
      this.notify(
        `mymlops: creating ${plan.machineName} in ${z.zone}${z.hourly !== null ? ` (spot ≈ $${z.hourly.toFixed(3)}/h)` : ''}`,
      );
      try {
        const op = await c.insertInstance(z.zone, body);
        await c.waitOperation(z.zone, op);
        this.zones.set(plan.machineName, z.zone);
        const dir = plan.commitId ? jobDir(plan.commitId, this.home) : null;
        if (dir && existsSync(dir))
          writeJson(join(dir, 'gce.json'), {
            project: c.project,
            zone: z.zone,
            machine: plan.machineName,
            zones_tried: tried,
          });
        return ok({
          machine: {
            kind: plan.kind,
            name: plan.machineName,
            commitId: plan.commitId,
            backend: 'gce',
            zone: z.zone,
            state: 'running',
            reason: null,
            createdAt: new Date().toISOString(),
            machineType: plan.instance?.machine_type ?? null,
            accelerator: plan.instance?.accelerator ?? null,
            metadata: plan.metadata,
          },
          zonesTried: tried,
        });
      } catch (e) {
        if (!(e instanceof GceApiError) && !(e instanceof Error && e.name === 'OperationError')) throw e;
        const cl = classifyError(e);
        lastFailure = cl;
        tried.push({ zone: z.zone, code: cl.code, message: cl.message, scope: cl.scope });
        if (cl.scope === 'global') {
          const code =
            cl.kind === 'quota'
              ? 'quota'
              : cl.kind === 'permission'
                ? 'permission'
                : cl.kind === 'config'
                  ? 'config'
                  : 'other';
          return err({ code, message: explain(cl), zonesTried: tried });
        }
        if (cl.scope === 'region') blockedRegions.add(z.region);
        this.notify(
          `mymlops: ${z.zone}: ${cl.code}${cl.scope === 'region' ? ` (skipping region ${z.region})` : ''}`,
        );
      }
    }
    const summary = tried.map((t) => `${t.zone} (${t.code})`).join(', ');
    const anyCapacity = tried.some(
      (t) => t.code.startsWith('ZONE_RESOURCE_POOL') || t.code === 'insufficientCapacity',
    );
    return err({
      code: anyCapacity || !lastFailure || lastFailure.kind !== 'quota' ? 'no_capacity' : 'quota',
      message: `no zone could take the VM: ${summary} — try again later or widen instance.zone_regex`,
      zonesTried: tried,
    });
  }

  /** job.json for one attempt: the zone, its price and the failures so far reach metadata.json. */
  private jobConfigFor(plan: LaunchPlan, z: RankedZone, tried: ZoneAttempt[]): Record<string, unknown> {
    const jc = structuredClone(plan.jobConfig) as Record<string, unknown> & {
      machine?: Record<string, unknown>;
      metadata?: Record<string, unknown>;
    };
    jc.machine = {
      ...(jc.machine ?? {}),
      backend: 'gce',
      instance: plan.machineName,
      zone: z.zone,
      hourly_usd: z.hourly,
    };
    jc.metadata = {
      ...(jc.metadata ?? {}),
      backend: 'gce',
      instance: plan.machineName,
      zone: z.zone,
      zones_tried: [...tried],
    };
    return jc;
  }

  // ---------- list / logs / cancel ----------

  async list(): Promise<LiveMachine[]> {
    const c = await this.client();
    const all = await c.instances('labels.mymlops:*');
    const preempted = new Set<string>();
    if (all.some(({ item }) => !['PROVISIONING', 'STAGING', 'RUNNING'].includes(item.status))) {
      const ops = await c.aggregatedOperations('operationType = "compute.instances.preempted"');
      for (const { zone, item } of ops) preempted.add(`${zone}/${lastSegment(item.targetLink)}`);
    }
    for (const { zone, item } of all) this.zones.set(item.name, zone);
    // Dev VMs: the idle watchdog's countdown / "stopped (idle)" (issue 6).
    return withIdleStates(
      c,
      all.map(({ zone, item }) => toMachine(zone, item, preempted)),
    );
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
    const wait = (this.lastRead.get(machineName) ?? 0) + this.logPollMs - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastRead.set(machineName, Date.now());
    const c = await this.clientFor(machineName);
    let r: { contents: string; start: number; next: number };
    try {
      r = await c.serialPort(zone, machineName, from);
    } catch (e) {
      if (e instanceof GceApiError && e.status === 404) return { text: '', next: from, done: true };
      throw e;
    }
    let text = r.contents;
    if (r.start > from && from > 0)
      text = `[… ${r.start - from} bytes of console output were dropped by the serial port buffer …]\n${text}`;
    if (text.includes(VM_DONE_MARKER)) this.ended.add(machineName);
    let done = this.ended.has(machineName);
    if (!done && !text) {
      // No output: a stopped (e.g. preempted) VM will not write more.
      const inst = await c.getInstance(zone, machineName).catch((e: unknown) => {
        if (e instanceof GceApiError && e.status === 404) return null;
        throw e;
      });
      done = !inst || ['STOPPING', 'TERMINATED', 'STOPPED', 'SUSPENDED'].includes(inst.status);
    }
    return { text, next: r.next, done };
  }

  /**
   * Cancels a commit: a running job is asked to stop through instance metadata (mymlops-cancel), so
   * it publishes status "cancelled" itself like on the local backend; then the VM is deleted (at
   * once when it is stopped, or after graceMs when the job does not end).
   */
  async cancel(
    machineName: string,
    graceMs = Number(this.env['MYMLOPS_GCE_CANCEL_GRACE_MS'] ?? 180_000),
  ): Promise<void> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return;
    const c = await this.clientFor(machineName);
    const gone = (e: unknown) => e instanceof GceApiError && e.status === 404;
    try {
      const inst = await c.getInstance(zone, machineName);
      if (inst.status === 'RUNNING') {
        await c.setMetadata(zone, machineName, { 'mymlops-cancel': 'requested' });
        let from = -64 * 1024;
        const deadline = Date.now() + graceMs;
        while (Date.now() < deadline) {
          await sleep(Math.min(this.logPollMs * 2, 2000));
          const r = await c.serialPort(zone, machineName, from);
          from = r.next;
          if (r.contents.includes(VM_DONE_MARKER)) break;
        }
      }
      const op = await c.deleteInstance(zone, machineName);
      await c.waitOperation(zone, op, 5 * 60_000);
    } catch (e) {
      if (!gone(e)) throw e; // a 404: the VM deleted itself after publishing
    }
  }

  /** Whether a VM was preempted (a compute.instances.preempted operation targets it). */
  async wasPreempted(machineName: string): Promise<boolean> {
    const zone = await this.zoneOf(machineName);
    if (!zone) return false;
    const c = await this.clientFor(machineName);
    const ops = await c.operations(zone, 'operationType = "compute.instances.preempted"');
    return ops.some((o) => lastSegment(o.targetLink) === machineName);
  }
}
