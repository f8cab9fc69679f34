// The instances.insert request body, built as pure data from a LaunchPlan and a zone.
import type { GcpConfig, Instance as InstanceConfig } from '../../../config/types.js';
import { regionOf } from '../../../core/zones/rank.js';
import type { AttachedDisk, Instance, NetworkInterface, Scheduling } from '../../gce/api-types.js';
import { UserError } from '../../../errors.js';
import type { LaunchPlan } from '../../../core/ports/backend.js';
import { credentialKeyFiles } from '../../git/job-credentials.js';
import { hasGpus, installsDriver } from '../../../core/boot-image.js';
import { bootSource, DLVM_DRIVER_KEY } from './boot-source.js';
import { devShutdownScript, devStartupScript } from './dev-startup-script.js';
import { RESERVED_KEYS, shutdownScript, startupScript } from './startup-script.js';

/** Limits of instance metadata (Compute Engine docs): one value ≤ 256 KiB, all keys+values < 512 KB. */
export const METADATA_VALUE_MAX = 256 * 1024;
export const METADATA_TOTAL_MAX = 512 * 1024;
export const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

export interface BodyInput {
  /** The plan placed in `zone` (placePlan): its job.json lands on the VM as it is. */
  plan: LaunchPlan;
  project: string;
  zone: string;
  gcp: GcpConfig;
  /** The job's key files by name (keyContents): deploy keys and URL credentials. */
  keys: Record<string, string>;
}

/**
 * The job's key files by name: deploy keys (repository, output; read with `read`) and the URL
 * credentials (repository.cred, output.cred). `read` null gives the preview of `--dry-run`:
 * placeholders instead of every secret.
 */
export function keyContents(
  plan: LaunchPlan,
  read: ((file: string) => string) | null,
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [name, file] of Object.entries(plan.keys))
    if (file) keys[name] = read ? read(file) : `<contents of ${file}>`;
  for (const [name, text] of Object.entries(credentialKeyFiles(plan.credentials)))
    keys[name] = read ? text : `<credentials from the ${name.replace(/\.cred$/, '')} URL>`;
  return keys;
}

/** Instance metadata keys allow letters, digits, `-` and `_`: keys/output.cred travels as mymlops-key-output-cred. */
export const keyItemName = (file: string) => `mymlops-key-${file.replace(/\./g, '-')}`;

export interface MetadataItem {
  key: string;
  value: string;
}

/** Label values: lower-case letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(v: string): string {
  return v
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, 63);
}

export function metadataItems(i: BodyInput): MetadataItem[] {
  // Dev VMs run their own startup script at every boot and publish the idle watchdog's
  // state as a guest attribute.
  const items: MetadataItem[] =
    i.plan.kind === 'start'
      ? [
          { key: 'startup-script', value: devStartupScript() },
          { key: 'shutdown-script', value: devShutdownScript() },
          { key: 'enable-guest-attributes', value: 'TRUE' },
        ]
      : [
          { key: 'startup-script', value: startupScript() },
          { key: 'shutdown-script', value: shutdownScript() },
        ];
  for (const [k, v] of Object.entries(i.plan.metadata)) {
    if ((RESERVED_KEYS as readonly string[]).includes(k)) continue;
    items.push({ key: `mymlops-${k}`, value: v });
  }
  items.push({ key: 'mymlops-job-script', value: i.plan.jobScript });
  items.push({ key: 'mymlops-job-json', value: JSON.stringify(i.plan.jobConfig) });
  for (const [name, content] of Object.entries(i.keys))
    items.push({ key: keyItemName(name), value: content });
  const inst = i.plan.instance;
  if (inst && installsDriver(inst)) items.push({ key: DLVM_DRIVER_KEY, value: 'True' });
  items.push({ key: 'mymlops-keep', value: String(i.plan.keepMachine) });
  items.push({ key: 'mymlops-max-duration', value: String(i.plan.maxDurationSeconds ?? 0) });
  return items;
}

const WHAT: Record<string, string> = {
  'mymlops-job-json': 'the job settings (notes, command, metadata)',
  'mymlops-job-script': 'the job script',
  'mymlops-key-repository': 'commit.repository.deploy_key',
  'mymlops-key-output': 'commit.output_repository.deploy_key',
  'mymlops-key-repository-cred': 'the credentials in commit.repository.url',
  'mymlops-key-output-cred': 'the credentials in commit.output_repository.url',
  'mymlops-notes': 'the notes (-n)',
};

/** Throws a UserError naming the value that does not fit in instance metadata. */
export function checkMetadataSize(items: MetadataItem[]): void {
  let total = 0;
  for (const it of items) {
    const size = Buffer.byteLength(it.value, 'utf8');
    total += size + Buffer.byteLength(it.key, 'utf8');
    if (size > METADATA_VALUE_MAX) {
      const what = WHAT[it.key] ?? `instance metadata ${it.key}`;
      throw new UserError(
        `${what} is ${Math.ceil(size / 1024)} KiB, over the 256 KiB limit of a GCE metadata value`,
        it.key.startsWith('mymlops-key-')
          ? 'use a smaller (ed25519) deploy key'
          : 'shorten it (e.g. the notes or the command)',
      );
    }
  }
  if (total >= METADATA_TOTAL_MAX) {
    const biggest = [...items].sort((a, b) => b.value.length - a.value.length)[0]!;
    throw new UserError(
      `the VM's metadata is ${Math.ceil(total / 1024)} KiB in total, over GCE's 512 KB limit (largest: ${WHAT[biggest.key] ?? biggest.key})`,
      'shorten the notes, the command or the deploy keys',
    );
  }
}

export const DEFAULT_NETWORK = 'global/networks/default';

/**
 * The VM's one network interface in `zone`. With a subnetwork the API infers the network, so none
 * is sent unless configured; the subnetwork is the one of the zone's region (zone ranking only
 * offers zones of regions that have one). The zone may be describeLaunch's placeholder: then the
 * preview names every configured subnetwork.
 */
export function networkInterface(gcp: GcpConfig, zone: string): NetworkInterface {
  const subs = gcp.subnetwork;
  let subnetwork: string | null = null;
  if (subs) {
    subnetwork = subs[regionOf(zone)] ?? null;
    if (!subnetwork && !/^[a-z]+-[a-z]+[0-9]+-[a-z]$/.test(zone))
      subnetwork = Object.values(subs).join(' | ');
    if (!subnetwork)
      throw new UserError(
        `gcp.subnetwork names no subnetwork for region ${regionOf(zone)} (zone ${zone})`,
        'add the region to gcp.subnetwork',
      );
  }
  const network = gcp.network ?? (subnetwork ? null : DEFAULT_NETWORK);
  return {
    ...(network ? { network } : {}),
    ...(subnetwork ? { subnetwork } : {}),
    // An external address so the VM reaches the git host without Cloud NAT.
    accessConfigs: [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }],
  };
}

/**
 * Past max_duration a commit VM keeps running while its job ends: the boot and checkout before the
 * job's clock starts, the shutdown grace, then the publish retries of a failing final push.
 */
const BOOT_MARGIN_S = 900;

/**
 * Seconds after which Compute Engine itself stops a commit VM (`scheduling.maxRunDuration`):
 * max_duration plus the time the job needs to publish (a VM whose job never started bills no
 * longer than that). Null without max_duration, and for dev VMs.
 */
export function maxRunSeconds(plan: LaunchPlan): number | null {
  if (plan.kind !== 'commit' || !plan.maxDurationSeconds) return null;
  const job = plan.jobConfig as { shutdown_grace?: number; publish_retry?: number };
  return plan.maxDurationSeconds + BOOT_MARGIN_S + (job.shutdown_grace ?? 20) + (job.publish_retry ?? 300);
}

/**
 * Scheduling as the compute v1 reference has it (Scheduling.onHostMaintenance: "For standard
 * instances, the default behavior is MIGRATE. For preemptible instances, the default and only
 * possible behavior is TERMINATE"; automaticRestart: "By default, this is set to true"; VMs with
 * GPUs cannot live-migrate). Spot and GPU VMs terminate at host maintenance and stay down; a
 * standard VM without GPUs live-migrates and restarts after a host error. STOP (not DELETE) as the
 * termination action, of a preemption and of maxRunDuration alike: the VM stays visible with its
 * labels (status says why) and its disk keeps a result the job could not publish.
 */
export function schedulingOf(plan: LaunchPlan): Scheduling {
  const inst = plan.instance!;
  const maxRun = maxRunSeconds(plan);
  const cap: Scheduling = maxRun
    ? { maxRunDuration: { seconds: String(maxRun) }, instanceTerminationAction: 'STOP' }
    : {};
  if (inst.spot)
    return {
      provisioningModel: 'SPOT',
      instanceTerminationAction: 'STOP',
      onHostMaintenance: 'TERMINATE',
      automaticRestart: false,
      ...cap,
    };
  return hasGpus(inst)
    ? { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: false, ...cap }
    : { provisioningModel: 'STANDARD', onHostMaintenance: 'MIGRATE', automaticRestart: true, ...cap };
}

/** The VM's boot disk in `zone`, made from `source` (bootSource), sized and typed as `inst` says. */
export function bootDisk(
  inst: InstanceConfig,
  zone: string,
  source: ReturnType<typeof bootSource>,
): AttachedDisk {
  return {
    boot: true,
    deviceName: 'mymlops',
    autoDelete: true,
    type: 'PERSISTENT',
    initializeParams: {
      ...source,
      diskSizeGb: String(inst.disk_size_gb),
      diskType: `zones/${zone}/diskTypes/${inst.disk_type}`,
    },
  };
}

/** The body's `guestAccelerators` field for `inst`'s accelerator in `zone`; nothing without one. */
export function guestAccelerators(
  inst: InstanceConfig,
  project: string,
  zone: string,
): Pick<Instance, 'guestAccelerators'> {
  if (!inst.accelerator) return {};
  return {
    guestAccelerators: [
      {
        acceleratorType: `projects/${project}/zones/${zone}/acceleratorTypes/${inst.accelerator}`,
        acceleratorCount: inst.accelerator_count,
      },
    ],
  };
}

export function instanceBody(i: BodyInput): Instance {
  const inst = i.plan.instance;
  if (!inst)
    throw new UserError(
      'the gce backend needs commit.instance in mymlops.yml',
      'add instance: {zone_regex, machine_type, snapshot or image}',
    );
  const items = metadataItems(i);
  checkMetadataSize(items);
  const z = i.zone;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.plan.labels)) labels[k] = labelValue(v);
  if (i.plan.commitId) labels['mymlops-commit'] = labelValue(i.plan.commitId);
  const scheduling = schedulingOf(i.plan);
  return {
    name: i.plan.machineName,
    description: i.plan.commitId ? `mymlops commit ${i.plan.commitId}` : `mymlops ${i.plan.kind}`,
    machineType: `zones/${z}/machineTypes/${inst.machine_type}`,
    labels,
    metadata: { items },
    disks: [bootDisk(inst, z, bootSource(inst))],
    networkInterfaces: [networkInterface(i.gcp, z)],
    serviceAccounts: [{ email: i.gcp.service_account, scopes: SCOPES }],
    scheduling,
    ...guestAccelerators(inst, i.project, z),
  };
}
