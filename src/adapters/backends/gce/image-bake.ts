// `mymlops image create` on Compute Engine: the baking VM (a standard VM booted from the image, the
// image-setup.sh startup script, the deploy key in metadata), its serial console read for the
// script's steps, then stop, disks.createSnapshot of its boot disk, delete.
import { readFileSync } from 'node:fs';
import type { GcpConfig } from '../../../config/types.js';
import { hasGpus, imagePath, installsDriver } from '../../../core/boot-image.js';
import type { BakeStep } from '../../../core/image/bake.js';
import { splitUrlCredentials } from '../../../util/url.js';
import type { Baker, BakeRequest, BakeVm } from '../../../core/ports/baker.js';
import type { Instance } from '../../gce/api-types.js';
import { type GceClient, lastSegment } from '../../gce/client.js';
import { GceApiError } from '../../gce/errors.js';
import { vmStatus } from '../../gce/vm-status.js';
import { isHalted } from '../../../core/machine-state.js';
import { DLVM_DRIVER_KEY } from './boot-source.js';
import { bootDisk, guestAccelerators, labelValue, networkInterface, SCOPES } from './instance-body.js';
import { gceStartupScript } from './vm-prelude.js';

const FINISHED = /^mymlops-vm: image setup finished status=(\d+)/m;

export function bakerBody(
  r: BakeRequest,
  project: string,
  zone: string,
  gcp: GcpConfig,
  key: string | null,
): Instance {
  const inst = r.instance;
  const items = [
    { key: 'startup-script', value: gceStartupScript('image-setup') },
    ...(r.setup
      ? [
          { key: 'mymlops-image-setup', value: r.setup },
          // Never the URL's credentials: instance metadata is readable by the whole project.
          { key: 'mymlops-image-repo-url', value: splitUrlCredentials(r.repository.url).url },
          { key: 'mymlops-image-repo-branch', value: r.repository.branch },
        ]
      : []),
    ...(r.setup && key ? [{ key: 'mymlops-key-repository', value: key }] : []),
    ...(installsDriver({ ...inst, image: r.image }) ? [{ key: DLVM_DRIVER_KEY, value: 'True' }] : []),
  ];
  return {
    name: r.name,
    description: 'mymlops image create',
    machineType: `zones/${zone}/machineTypes/${inst.machine_type}`,
    labels: { mymlops: 'image', 'mymlops-image': labelValue(r.name) },
    metadata: { items },
    disks: [bootDisk(inst, zone, { sourceImage: imagePath(r.image) })],
    networkInterfaces: [networkInterface(gcp, zone)],
    serviceAccounts: [{ email: gcp.service_account, scopes: SCOPES }],
    // Standard, not spot: a preemption would lose the setup; GPUs cannot live-migrate.
    scheduling: hasGpus(inst)
      ? { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: false }
      : { provisioningModel: 'STANDARD' },
    ...guestAccelerators(inst, project, zone),
  };
}

export class GceBaker implements Baker {
  constructor(
    private readonly c: GceClient,
    private readonly gcp: GcpConfig,
    /** Zones to try, best first (the configured zone_regex, ranked). */
    private readonly zones: (instance: BakeRequest['instance']) => Promise<string[]>,
    private readonly pollMs = 1000,
  ) {}

  async create(r: BakeRequest, onCreating: (vm: BakeVm) => void): Promise<BakeVm> {
    const key = r.setup && r.repository.deploy_key ? readFileSync(r.repository.deploy_key, 'utf8') : null;
    let last: unknown = null;
    for (const zone of (await this.zones(r.instance)).slice(0, 3)) {
      const vm = { project: this.c.project, zone, name: r.name };
      onCreating(vm);
      try {
        await this.c.waitOperation(
          zone,
          await this.c.insertInstance(zone, bakerBody(r, this.c.project, zone, this.gcp, key)),
        );
        return vm;
      } catch (e) {
        last = e;
        // A refusal before anything was made: the next zone. Anything else stops here.
        if (!(e instanceof GceApiError) || e.status === 409) throw e;
      }
    }
    throw last ?? new Error('no zone matches instance.zone_regex');
  }

  async waitSetup(
    vm: BakeVm,
    driver: boolean,
    onStep: (s: BakeStep) => void,
    signal: AbortSignal,
  ): Promise<number> {
    let text = '';
    let next = 0;
    let step: BakeStep | null = null;
    const say = (s: BakeStep) => {
      if (s === step) return;
      step = s;
      onStep(s);
    };
    say('booting');
    while (!signal.aborted) {
      const inst = await this.c.getInstance(vm.zone, vm.name);
      const status = vmStatus(inst.status);
      if (isHalted(status))
        throw new Error(`the VM ${vm.name} stopped before its setup finished (${inst.status})`);
      if (status.guestUp) {
        const chunk = await this.c.serialPort(vm.zone, vm.name, next);
        text += chunk.contents;
        next = chunk.next;
        // The steps first: a setup that started and ended between two reads still ran.
        if (/^mymlops-vm: running image\.setup/m.test(text)) say('setup');
        else if (!/^mymlops-vm: /m.test(text)) say(driver ? 'driver' : 'booting');
        const done = FINISHED.exec(text);
        if (done) return Number(done[1]);
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    throw new Error('interrupted');
  }

  async stop(vm: BakeVm): Promise<void> {
    await this.c.waitOperation(vm.zone, await this.c.stopInstance(vm.zone, vm.name));
  }

  async snapshot(vm: BakeVm, name: string): Promise<void> {
    const inst = await this.c.getInstance(vm.zone, vm.name);
    const disk = lastSegment(inst.disks?.find((d) => d.boot)?.source);
    const op = await this.c.createSnapshot(vm.zone, disk, {
      name,
      description: `mymlops image create from ${vm.name}`,
      labels: { mymlops: 'image' },
    });
    await this.c.waitOperation(vm.zone, op, 60 * 60_000);
  }

  async deleteVm(vm: BakeVm): Promise<void> {
    try {
      await this.c.waitOperation(vm.zone, await this.c.deleteInstance(vm.zone, vm.name));
    } catch (e) {
      if (e instanceof GceApiError && e.status === 404) return; // never made, or already gone
      throw e;
    }
  }
}
