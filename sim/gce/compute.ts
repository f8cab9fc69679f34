// Compute Engine v1 resources of the simulator: routing, validation, instance lifecycle.
import { join } from 'node:path';
import type { Fixture } from './fixture.js';
import { zoneRegion } from './fixture.js';
import { matches, parseFilter, type Resource } from './filter.js';
import { apiError, emptyScope, newId, notFound, timestamp } from './shapes.js';
import { type Fault, type SimInstance, type SimOperation, World } from './state.js';
import { boot, killTree, metadataHost, SerialBuffer, startMetadataServer } from './vm.js';

export interface ComputeOptions {
  sandboxRoot: string;
  /** Delay of each boot step (PROVISIONING → STAGING → RUNNING) and of failing operations. */
  bootDelayMs: number;
  /** Extra environment of every VM's startup script. */
  vmEnv: Record<string, string>;
  maxVms: number;
  /** A VM still running after this long is terminated (keeps the simulator bounded). */
  vmLifetimeMs: number;
  acceptToken: (token: string) => boolean;
  base: () => string;
}

type Reply = { code: number; body: unknown };
const ok = (body: unknown): Reply => ({ code: 200, body });
const fail = (body: { error: { code: number } }): Reply => ({ code: body.error.code, body });

const METADATA_VALUE_MAX = 256 * 1024;
const METADATA_TOTAL_MAX = 512 * 1024;
const NAME_RE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const last = (s: unknown) =>
  String(s ?? '')
    .split('/')
    .pop() ?? '';

export class Compute {
  readonly world = new World();
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly fixture: Fixture,
    readonly opts: ComputeOptions,
  ) {}

  private later(ms: number, fn: () => void | Promise<void>): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) void fn();
    }, ms);
    this.timers.add(t);
  }

  private zones(): string[] {
    return Object.values(this.fixture.regions).flatMap((r) => r.zones);
  }

  private link(project: string, path: string): string {
    return `${this.opts.base()}/projects/${project}/${path}`;
  }

  // ---------- static resources ----------

  private zone(project: string, z: string): Resource {
    const region = zoneRegion(this.fixture, z)!;
    return {
      kind: 'compute#zone',
      id: String(2000 + this.zones().indexOf(z)),
      creationTimestamp: '1969-12-31T16:00:00.000-08:00',
      name: z,
      description: z,
      status: 'UP',
      region: this.link(project, `regions/${region}`),
      selfLink: this.link(project, `zones/${z}`),
      availableCpuPlatforms: ['Intel Broadwell', 'Intel Skylake'],
      supportsPzs: false,
    };
  }

  private region(project: string, r: string): Resource {
    return {
      kind: 'compute#region',
      id: String(1000 + Object.keys(this.fixture.regions).indexOf(r)),
      creationTimestamp: '1969-12-31T16:00:00.000-08:00',
      name: r,
      description: r,
      status: 'UP',
      zones: this.fixture.regions[r]!.zones.map((z) => this.link(project, `zones/${z}`)),
      quotas: [],
      selfLink: this.link(project, `regions/${r}`),
      supportsPzs: false,
    };
  }

  private machineTypes(project: string, z: string): Resource[] {
    const offer = this.fixture.zoneOffers[z];
    return Object.entries(this.fixture.machineTypes)
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
        selfLink: this.link(project, `zones/${z}/machineTypes/${n}`),
        isSharedCpu: false,
      }));
  }

  private acceleratorTypes(project: string, z: string): Resource[] {
    return (this.fixture.zoneOffers[z]?.accelerators ?? []).map((a, i) => ({
      kind: 'compute#acceleratorType',
      id: String(10000 + i),
      creationTimestamp: '1969-12-31T16:00:00.000-08:00',
      name: a,
      description: this.fixture.accelerators[a]?.description ?? a,
      zone: this.link(project, `zones/${z}`),
      selfLink: this.link(project, `zones/${z}/acceleratorTypes/${a}`),
      maximumCardsPerInstance: this.fixture.accelerators[a]?.maxCardsPerInstance ?? 1,
    }));
  }

  // ---------- lists ----------

  private list(kind: string, selfLink: string, items: Resource[], url: URL): Reply {
    const filtered = items.filter((r) => matches(r, parseFilter(url.searchParams.get('filter'))));
    const max = Math.min(Number(url.searchParams.get('maxResults') || 500), 500);
    const start = Number(url.searchParams.get('pageToken') || 0);
    const page = filtered.slice(start, start + max);
    const body: Resource = {
      kind,
      id: selfLink.replace(/^.*\/projects\//, 'projects/'),
      items: page,
      selfLink,
    };
    if (start + max < filtered.length) body['nextPageToken'] = String(start + max);
    return ok(body);
  }

  private aggregated(
    project: string,
    kind: string,
    key: string,
    url: URL,
    of: (z: string) => Resource[],
  ): Reply {
    const terms = parseFilter(url.searchParams.get('filter'));
    const items: Record<string, unknown> = {};
    for (const z of this.zones()) {
      const rs = of(z).filter((r) => matches(r, terms));
      items[`zones/${z}`] = rs.length ? { [key]: rs } : emptyScope(`zones/${z}`);
    }
    return ok({
      kind,
      id: `projects/${project}/aggregated/${key}`,
      items,
      selfLink: this.link(project, `aggregated/${key}`),
    });
  }

  private instanceView(i: SimInstance): Resource {
    i.body['status'] = i.status;
    if (i.lastStartAt) i.body['lastStartTimestamp'] = timestamp(i.lastStartAt);
    if (i.lastStopAt) i.body['lastStopTimestamp'] = timestamp(i.lastStopAt);
    return i.body;
  }

  private instancesIn(z: string): Resource[] {
    return [...this.world.instances.values()].filter((i) => i.zone === z).map((i) => this.instanceView(i));
  }

  private operationsIn(z: string): Resource[] {
    return [...this.world.operations.values()].filter((o) => o.zone === z).map((o) => o.body);
  }

  // ---------- routing ----------

  async handle(method: string, url: URL, rawBody: string): Promise<Reply> {
    const path = url.pathname.replace(/^\/compute\/v1\//, '').replace(/\/$/, '');
    const seg = path.split('/').map(decodeURIComponent);
    this.world.logRequest(method, url.pathname);
    if (seg[0] !== 'projects' || !seg[1]) return fail(notFound(path));
    const project = seg[1];
    const rest = seg.slice(2);
    const [a, b, c, d, e, f] = rest;
    if (rest.length === 0 && method === 'GET') {
      return ok({
        kind: 'compute#project',
        id: this.fixture.projectNumber,
        name: project,
        creationTimestamp: '2020-01-01T00:00:00.000-08:00',
        selfLink: this.link(project, '').replace(/\/$/, ''),
        commonInstanceMetadata: { kind: 'compute#metadata', fingerprint: 'AAAAAAAAAAA=', items: [] },
        quotas: [],
        defaultServiceAccount: `${this.fixture.projectNumber}-compute@developer.gserviceaccount.com`,
      });
    }
    if (a === 'aggregated' && method === 'GET') {
      if (b === 'instances')
        return this.aggregated(project, 'compute#instanceAggregatedList', 'instances', url, (z) =>
          this.instancesIn(z),
        );
      if (b === 'machineTypes')
        return this.aggregated(project, 'compute#machineTypeAggregatedList', 'machineTypes', url, (z) =>
          this.machineTypes(project, z),
        );
      if (b === 'acceleratorTypes')
        return this.aggregated(
          project,
          'compute#acceleratorTypeAggregatedList',
          'acceleratorTypes',
          url,
          (z) => this.acceleratorTypes(project, z),
        );
      if (b === 'operations')
        return this.aggregated(project, 'compute#operationAggregatedList', 'operations', url, (z) =>
          this.operationsIn(z),
        );
    }
    if (a === 'regions' && method === 'GET') {
      if (!b)
        return this.list(
          'compute#regionList',
          this.link(project, 'regions'),
          Object.keys(this.fixture.regions).map((r) => this.region(project, r)),
          url,
        );
      if (!this.fixture.regions[b]) return fail(notFound(`projects/${project}/regions/${b}`));
      return ok(this.region(project, b));
    }
    if (a !== 'zones') return fail(notFound(path));
    if (!b)
      return method === 'GET'
        ? this.list(
            'compute#zoneList',
            this.link(project, 'zones'),
            this.zones().map((z) => this.zone(project, z)),
            url,
          )
        : fail(notFound(path));
    if (!this.zones().includes(b)) return fail(notFound(`projects/${project}/zones/${b}`));
    const z = b;
    if (!c) return ok(this.zone(project, z));
    if (c === 'machineTypes' || c === 'acceleratorTypes') {
      const all = c === 'machineTypes' ? this.machineTypes(project, z) : this.acceleratorTypes(project, z);
      if (!d)
        return this.list(`compute#${c.slice(0, -1)}List`, this.link(project, `zones/${z}/${c}`), all, url);
      const one = all.find((r) => r['name'] === d);
      return one ? ok(one) : fail(notFound(`projects/${project}/zones/${z}/${c}/${d}`));
    }
    if (c === 'operations') {
      if (!d)
        return this.list(
          'compute#operationList',
          this.link(project, `zones/${z}/operations`),
          this.operationsIn(z),
          url,
        );
      const op = this.world.operations.get(d);
      if (!op || op.zone !== z) return fail(notFound(`projects/${project}/zones/${z}/operations/${d}`));
      if (e === 'wait' && method === 'POST') return ok(await this.wait(op));
      if (method === 'DELETE') {
        this.world.operations.delete(d);
        return { code: 204, body: {} };
      }
      return ok(op.body);
    }
    if (c !== 'instances') return fail(notFound(path));
    if (!d) {
      if (method === 'GET')
        return this.list(
          'compute#instanceList',
          this.link(project, `zones/${z}/instances`),
          this.instancesIn(z),
          url,
        );
      if (method === 'POST') return this.insert(project, z, JSON.parse(rawBody || '{}') as Resource);
      return fail(notFound(path));
    }
    const inst = this.world.instances.get(this.world.key(z, d));
    const instPath = `projects/${project}/zones/${z}/instances/${d}`;
    if (!inst) return fail(notFound(instPath));
    if (!e && method === 'GET') return ok(this.instanceView(inst));
    if (!e && method === 'DELETE') return ok(this.remove(project, inst, 'delete').body);
    if (e === 'stop' && method === 'POST') return ok(this.stop(project, inst, 'stop').body);
    if (e === 'start' && method === 'POST') return this.start(project, inst);
    if (e === 'setMetadata' && method === 'POST')
      return this.setMetadata(project, inst, JSON.parse(rawBody || '{}') as Resource);
    if (e === 'getGuestAttributes' && method === 'GET') return this.guestAttributes(project, inst, url);
    if (e === 'serialPort' && method === 'GET') {
      const port = Number(url.searchParams.get('port') || 1);
      const start = Number(url.searchParams.get('start') || 0);
      const out = port === 1 ? inst.serial.read(start) : { contents: '', start: 0, next: 0 };
      return ok({
        kind: 'compute#serialPortOutput',
        contents: out.contents,
        start: String(out.start),
        next: String(out.next),
        selfLink: this.link(project, `zones/${z}/instances/${d}/serialPort`),
      });
    }
    void f;
    return fail(apiError(400, 'invalid', `Invalid request ${method} ${path}`));
  }

  private async wait(op: SimOperation): Promise<Resource> {
    // Like zoneOperations.wait: returns when DONE or after a bounded wait (the real one ~2 min).
    const deadline = Date.now() + 5000;
    while (op.body['status'] !== 'DONE' && Date.now() < deadline && !this.closed) {
      await new Promise((r) => setTimeout(r, 15));
    }
    return op.body;
  }

  // ---------- insert ----------

  private validate(project: string, z: string, req: Resource): Reply | null {
    const name = String(req['name'] ?? '');
    const invalid = (msg: string) => fail(apiError(400, 'invalid', msg));
    if (!NAME_RE.test(name))
      return invalid(
        `Invalid value for field 'resource.name': '${name}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
      );
    if (this.world.instances.has(this.world.key(z, name)))
      return fail(
        apiError(
          409,
          'alreadyExists',
          `The resource 'projects/${project}/zones/${z}/instances/${name}' already exists`,
        ),
      );
    const mt = last(req['machineType']);
    if (!this.machineTypes(project, z).some((m) => m['name'] === mt))
      return invalid(
        `Invalid value for field 'resource.machineType': '${String(req['machineType'] ?? '')}'. Machine type with name '${mt}' does not exist in zone '${z}'.`,
      );
    const accs = (req['guestAccelerators'] as Resource[] | undefined) ?? [];
    for (const acc of accs) {
      const t = last(acc['acceleratorType']);
      if (!this.fixture.zoneOffers[z]?.accelerators.includes(t))
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
    if (!bootDisk)
      return invalid("Invalid value for field 'resource.disks': ''. Boot disk must be specified.");
    const snap = (bootDisk['initializeParams'] as Resource | undefined)?.['sourceSnapshot'];
    if (snap && this.fixture.snapshots && !this.fixture.snapshots.includes(last(snap)))
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
    if (this.world.instances.size >= this.opts.maxVms)
      return fail(
        apiError(
          403,
          'quotaExceeded',
          `Quota 'INSTANCES' exceeded.  Limit: ${this.opts.maxVms}.0 in region ${zoneRegion(this.fixture, z)}.`,
        ),
      );
    return null;
  }

  private faultError(
    project: string,
    z: string,
    f: Fault,
    req: Resource,
  ): { code: string; message: string; http: number } {
    const region = zoneRegion(this.fixture, z);
    const acc = last((req['guestAccelerators'] as Resource[] | undefined)?.[0]?.['acceleratorType']);
    const spot = (req['scheduling'] as Resource | undefined)?.['provisioningModel'] === 'SPOT';
    const gpuQuota = `${spot ? 'PREEMPTIBLE_' : ''}${acc
      .replace(/^nvidia-(tesla-)?/, 'NVIDIA_')
      .toUpperCase()
      .replace(/-/g, '_')}_GPUS`;
    switch (f.code) {
      case 'ZONE_RESOURCE_POOL_EXHAUSTED':
        return {
          code: f.code,
          http: 503,
          message: `The zone 'projects/${project}/zones/${z}' does not have enough resources available to fulfill the request.  Try a different zone, or try again later.`,
        };
      case 'ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS':
        return {
          code: f.code,
          http: 503,
          message: `The zone 'projects/${project}/zones/${z}' does not have enough resources available to fulfill the request.  '(resource type:compute)'.`,
        };
      case 'QUOTA_EXCEEDED':
        return {
          code: f.code,
          http: 403,
          message: `Quota '${acc ? gpuQuota : 'CPUS'}' exceeded.  Limit: 0.0 in region ${region}.`,
        };
      case 'GPUS_ALL_REGIONS':
        return {
          code: 'QUOTA_EXCEEDED',
          http: 403,
          message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.",
        };
      case 'IAM_PERMISSION_DENIED':
        return {
          code: f.code,
          http: 403,
          message: "Required 'compute.instances.create' permission for 'projects/" + project + "'",
        };
      default:
        return { code: f.code, http: 503, message: `Simulated ${f.code} in zone ${z}.` };
    }
  }

  private insert(project: string, z: string, req: Resource): Reply {
    const invalid = this.validate(project, z, req);
    if (invalid) return invalid;
    const name = String(req['name']);
    const region = zoneRegion(this.fixture, z);
    const fault = this.world.fault(z, region, (x) => zoneRegion(this.fixture, x));
    if (fault) {
      if (fault.remaining !== null) fault.remaining--;
      const e = this.faultError(project, z, fault, req);
      if (fault.via === 'http') {
        const reason = e.code === 'QUOTA_EXCEEDED' ? 'quotaExceeded' : e.http === 403 ? 'forbidden' : e.code;
        return fail(apiError(e.http, reason, e.message));
      }
      const op = this.world.newOperation(this.opts.base(), project, z, 'insert', {
        link: this.link(project, `zones/${z}/instances/${name}`),
        id: newId(),
      });
      this.later(this.opts.bootDelayMs, () => this.world.finish(op, e));
      return ok({ ...op.body });
    }
    const id = newId();
    const selfLink = this.link(project, `zones/${z}/instances/${name}`);
    const now = new Date();
    const bootDisk = ((req['disks'] as Resource[]) ?? []).find((x) => x['boot'])!;
    const init = (bootDisk['initializeParams'] as Resource | undefined) ?? {};
    const netIfs = ((req['networkInterfaces'] as Resource[] | undefined) ?? [{}]).map((n, i) => ({
      kind: 'compute#networkInterface',
      network: this.link(
        project,
        String(n['network'] ?? 'global/networks/default').replace(/^.*projects\/[^/]+\//, ''),
      ),
      subnetwork: this.link(project, `regions/${region}/subnetworks/default`),
      networkIP: `10.128.0.${(this.world.instances.size % 250) + 2}`,
      name: `nic${i}`,
      accessConfigs: ((n['accessConfigs'] as Resource[] | undefined) ?? []).map((ac) => ({
        kind: 'compute#accessConfig',
        type: 'ONE_TO_ONE_NAT',
        name: String(ac['name'] ?? 'External NAT'),
        natIP: `203.0.113.${(this.world.instances.size % 250) + 2}`,
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
      machineType: this.link(project, `zones/${z}/machineTypes/${last(req['machineType'])}`),
      status: 'PROVISIONING',
      zone: this.link(project, `zones/${z}`),
      canIpForward: false,
      networkInterfaces: netIfs,
      disks: [
        {
          kind: 'compute#attachedDisk',
          type: 'PERSISTENT',
          mode: 'READ_WRITE',
          source: this.link(project, `zones/${z}/disks/${name}`),
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
              acceleratorType: this.link(
                project,
                `zones/${z}/acceleratorTypes/${last(g['acceleratorType'])}`,
              ),
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
      sandbox: join(this.opts.sandboxRoot, `${z}-${name}-${id.slice(-6)}`),
      child: null,
      tail: null,
      drain: null,
      metadataServer: null,
      createdAt: now,
      lastStartAt: null,
      lastStopAt: null,
      deleted: false,
    };
    this.world.instances.set(this.world.key(z, name), inst);
    const op = this.world.newOperation(this.opts.base(), project, z, 'insert', { link: selfLink, id });
    this.powerOn(project, inst, op);
    return ok({ ...op.body });
  }

  private powerOn(project: string, inst: SimInstance, op: SimOperation): void {
    this.later(this.opts.bootDelayMs, () => {
      if (inst.deleted) return;
      inst.status = 'STAGING';
      this.later(this.opts.bootDelayMs, async () => {
        if (inst.deleted) return;
        inst.status = 'RUNNING';
        inst.lastStartAt = new Date();
        this.world.finish(op);
        await this.bootVm(project, inst);
      });
    });
  }

  private attributes(inst: SimInstance): Record<string, string> {
    const items = ((inst.body['metadata'] as Resource)['items'] as { key: string; value: string }[]) ?? [];
    return Object.fromEntries(items.map((i) => [i.key, i.value]));
  }

  private async bootVm(project: string, inst: SimInstance): Promise<void> {
    const attrs = this.attributes(inst);
    inst.guestAttributes ??= new Map();
    const guestAttributes = inst.guestAttributes;
    inst.metadataServer ??= await startMetadataServer({
      name: inst.name,
      id: inst.id,
      zone: inst.zone,
      projectId: project,
      projectNumber: this.fixture.projectNumber,
      machineType: last(inst.body['machineType']),
      attributes: () => this.attributes(inst),
      preempted: () => inst.preempted,
      token: `sim-vm-token-${inst.id}`,
      guestAttributes,
    });
    if (inst.deleted || inst.status !== 'RUNNING' || this.closed) return;
    const script = attrs['startup-script'];
    if (!script) {
      inst.serial.append(Buffer.from('Booting simulated VM\nNo startup scripts to run.\n'));
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      LANG: process.env['LANG'] ?? 'C.UTF-8',
      TMPDIR: process.env['TMPDIR'] ?? '/tmp',
      HOME: join(inst.sandbox, 'root'),
      GCE_METADATA_HOST: metadataHost(inst.metadataServer),
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${this.opts.base()}/`,
      MYMLOPS_VM_ROOT: inst.sandbox,
      ...this.opts.vmEnv,
    };
    const vm = boot({
      sandbox: inst.sandbox,
      script,
      env,
      serial: inst.serial,
      onExit: () => {
        // A previous boot's script may end after a restart: only forget the current one.
        if (inst.child === vm.child) inst.child = null;
      },
    });
    inst.child = vm.child;
    inst.tail = setInterval(vm.drain, 40);
    inst.drain = vm.drain;
    const started = inst.lastStartAt;
    this.later(this.opts.vmLifetimeMs, () => {
      if (!inst.deleted && inst.lastStartAt === started && inst.status === 'RUNNING') {
        inst.serial.append(Buffer.from('simulator: VM lifetime exceeded, stopping\n'));
        this.halt(inst);
      }
    });
  }

  /** Kills the VM's processes (TERM, then KILL) and closes its metadata server. */
  private halt(inst: SimInstance, then?: () => void): void {
    inst.status = 'STOPPING';
    const child = inst.child;
    if (child) killTree(child, 'SIGTERM');
    this.later(child ? 300 : 0, () => {
      if (child) killTree(child, 'SIGKILL');
      inst.child = null;
      inst.drain?.();
      if (inst.tail) clearInterval(inst.tail);
      inst.tail = null;
      inst.metadataServer?.closeAllConnections();
      inst.metadataServer?.close();
      inst.metadataServer = null;
      inst.status = 'TERMINATED';
      inst.lastStopAt = new Date();
      then?.();
    });
  }

  private remove(project: string, inst: SimInstance, type: string): SimOperation {
    const op = this.world.newOperation(this.opts.base(), project, inst.zone, type, {
      link: String(inst.body['selfLink']),
      id: inst.id,
    });
    // Answer first: a VM deleting itself must get its response before its processes die.
    this.later(50, () =>
      this.halt(inst, () => {
        inst.deleted = true;
        this.world.instances.delete(this.world.key(inst.zone, inst.name));
        this.world.finish(op);
      }),
    );
    return op;
  }

  private stop(project: string, inst: SimInstance, type: string, user?: string): SimOperation {
    const op = this.world.newOperation(
      this.opts.base(),
      project,
      inst.zone,
      type,
      { link: String(inst.body['selfLink']), id: inst.id },
      user,
    );
    inst.status = 'STOPPING';
    this.later(20, () => this.halt(inst, () => this.world.finish(op)));
    return op;
  }

  /** instances.getGuestAttributes: `variableKey=ns/key` or `queryPath=ns/` (kept while stopped). */
  private guestAttributes(project: string, inst: SimInstance, url: URL): Reply {
    const all = inst.guestAttributes ?? new Map<string, string>();
    const selfLink = this.link(project, `zones/${inst.zone}/instances/${inst.name}/getGuestAttributes`);
    const variableKey = url.searchParams.get('variableKey');
    if (variableKey) {
      const v = all.get(variableKey);
      if (v === undefined) return fail(notFound(`guest attribute ${variableKey}`));
      return ok({ kind: 'compute#guestAttributes', variableKey, variableValue: v, selfLink });
    }
    const queryPath = url.searchParams.get('queryPath') ?? '';
    const items = [...all.entries()]
      .filter(([k]) => k.startsWith(queryPath))
      .map(([k, value]) => ({ namespace: k.split('/')[0]!, key: k.split('/').slice(1).join('/'), value }));
    if (items.length === 0) return fail(notFound(`guest attributes ${queryPath}`));
    return ok({ kind: 'compute#guestAttributes', queryPath, queryValue: { items }, selfLink });
  }

  private start(project: string, inst: SimInstance): Reply {
    const op = this.world.newOperation(this.opts.base(), project, inst.zone, 'start', {
      link: String(inst.body['selfLink']),
      id: inst.id,
    });
    if (inst.status !== 'TERMINATED') {
      this.world.finish(op);
      return ok({ ...op.body });
    }
    inst.preempted = false;
    inst.status = 'STAGING';
    this.powerOn(project, inst, op);
    return ok({ ...op.body });
  }

  private setMetadata(project: string, inst: SimInstance, req: Resource): Reply {
    const md = inst.body['metadata'] as Resource;
    if (req['fingerprint'] !== md['fingerprint'])
      return fail(
        apiError(412, 'conditionNotMet', 'Supplied fingerprint does not match current metadata fingerprint.'),
      );
    md['items'] = (req['items'] as unknown[]) ?? [];
    md['fingerprint'] = Buffer.from(newId()).toString('base64').slice(0, 11) + '=';
    const op = this.world.newOperation(this.opts.base(), project, inst.zone, 'setMetadata', {
      link: String(inst.body['selfLink']),
      id: inst.id,
    });
    this.world.finish(op);
    return ok({ ...op.body });
  }

  // ---------- fault injection ----------

  control(method: string, path: string, body: Record<string, unknown>): unknown {
    if (path === '/_sim/state') {
      return {
        instances: [...this.world.instances.values()].map((i) => ({
          name: i.name,
          zone: i.zone,
          status: i.status,
        })),
        faults: this.world.faults,
      };
    }
    if (path === '/_sim/faults') {
      if (method === 'DELETE' || body['clear']) {
        this.world.faults = [];
        return { faults: [] };
      }
      if (method === 'POST') {
        const code = String(body['code'] ?? '');
        if (!code) return apiError(400, 'invalid', 'code is required');
        const quota = code === 'QUOTA_EXCEEDED' || code === 'GPUS_ALL_REGIONS';
        this.world.faults.push({
          zone: body['zone'] ? String(body['zone']) : null,
          code,
          via:
            body['via'] === 'http' || body['via'] === 'operation'
              ? body['via']
              : quota
                ? 'http'
                : 'operation',
          remaining: typeof body['times'] === 'number' ? body['times'] : null,
        });
      }
      return { faults: this.world.faults };
    }
    if (path === '/_sim/preempt') {
      const name = String(body['instance'] ?? '');
      const inst = [...this.world.instances.values()].find(
        (i) => i.name === name && (!body['zone'] || i.zone === body['zone']),
      );
      if (!inst) return notFound(`instances/${name}`);
      const project = String(inst.body['selfLink']).replace(/^.*\/projects\/([^/]+)\/.*$/, '$1');
      inst.preempted = true;
      const op = this.stop(project, inst, 'compute.instances.preempted', 'system');
      op.body['statusMessage'] = 'Instance was preempted.';
      const action = (inst.body['scheduling'] as Resource)['instanceTerminationAction'];
      if (action === 'DELETE') this.later(400, () => void this.remove(project, inst, 'delete'));
      return { preempted: inst.name, zone: inst.zone, operation: op.body['name'] };
    }
    return notFound(path);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const inst of this.world.instances.values()) {
      if (inst.tail) clearInterval(inst.tail);
      if (inst.child) killTree(inst.child, 'SIGKILL');
      inst.metadataServer?.closeAllConnections();
      inst.metadataServer?.close();
    }
  }
}
