// The Compute Engine side of `mymlops doctor`: each check asks the API what core's verdicts need.
// Every failure becomes a CheckResult (state, detail, fix); nothing here decides the exit code.
import { imagePath } from '../../core/boot-image.js';
import type { Config } from '../../config/types.js';
import {
  enableApiFix,
  offerVerdict,
  type CheckId,
  type Verdict,
  type Quota,
  quotaVerdict,
  regionsOf,
  offeredZones,
} from '../../core/doctor/checks.js';
import { tokenSource, resolveProject, type TokenSource } from '../../adapters/gce/auth.js';
import { computeBase, GceClient } from '../../adapters/gce/client.js';
import { GceApiDisabled, GceApiError } from '../../adapters/gce/errors.js';
import { retryPolicy } from '../../adapters/gce/retry.js';
import { computePrices } from '../../adapters/gce/prices.js';
import { safeRegExp } from '../../util/regex.js';
import { serviceAccountCheck } from './iam.js';

interface ProjectInfo {
  quotas?: Quota[];
  defaultServiceAccount?: string;
}

/** What the checks learn and share (the client once credentials pass, projects.get once the API answers). */
export interface GceState {
  env: NodeJS.ProcessEnv;
  config: Config;
  tokens?: TokenSource;
  client?: GceClient;
  project?: ProjectInfo;
  zones?: string[];
}

const fail = (detail: string, fix: string): Verdict => ({ state: 'fail', detail, fix });
const okv = (detail: string): Verdict => ({ state: 'ok', detail, fix: null });

/** An API error as one line; 403 accessNotConfigured is the disabled API (Google's own wording). */
function apiFailure(e: unknown, project: string): Verdict {
  if (e instanceof GceApiDisabled) return fail(e.message, e.fix ?? enableApiFix(project));
  if (e instanceof GceApiError) {
    if (e.status === 403)
      return fail(
        `${e.message.split('\n')[0]}`,
        'use an account with the Compute Instance Admin role on the project (gcloud auth login)',
      );
    if (e.status === 404)
      return fail(`project ${project} was not found`, 'check gcp.project or CLOUDSDK_CORE_PROJECT');
    return fail(
      `${e.status} ${e.message.split('\n')[0]}`,
      'try again; if it persists, check the project in the console',
    );
  }
  return fail((e as Error).message.split('\n')[0] ?? String(e), 'try again in a minute');
}

const instanceOf = (c: Config) => c.commit?.instance ?? null;

/** A client of `project` with the credentials the first check found. */
function clientFor(s: GceState, project: string): GceClient {
  return new GceClient({ project, tokens: s.tokens!, base: computeBase(s.env), retry: retryPolicy(s.env) });
}

const NO_INSTANCE = fail(
  'commit.instance is missing',
  'add instance: {zone_regex, machine_type, snapshot} to commit',
);

async function credentials(s: GceState): Promise<Verdict> {
  let project: string;
  try {
    project = await resolveProject(s.config.gcp.project, s.env);
  } catch (e) {
    return fail(
      (e as Error).message,
      'set gcp.project in mymlops.yml, or run `gcloud config set project ID`',
    );
  }
  s.tokens = tokenSource(s.env);
  try {
    await s.tokens.token();
  } catch (e) {
    return fail(
      `no Google Cloud credentials (${(e as Error).message.split('\n')[0]})`,
      'run `gcloud auth login` (or `gcloud auth application-default login`)',
    );
  }
  s.client = clientFor(s, project);
  return okv(`project ${project}, ${s.tokens.description}`);
}

async function api(s: GceState): Promise<Verdict> {
  const c = s.client!;
  try {
    s.project = await c.request<ProjectInfo>('GET', '');
  } catch (e) {
    return apiFailure(e, c.project);
  }
  return okv('enabled (projects.get answered)');
}

async function offer(s: GceState): Promise<Verdict> {
  const inst = instanceOf(s.config);
  if (!inst) return NO_INSTANCE;
  const re = safeRegExp(inst.zone_regex);
  if (!re)
    return fail(
      `instance.zone_regex '${inst.zone_regex}' is not a valid regular expression`,
      'fix instance.zone_regex',
    );
  const c = s.client!;
  try {
    const machineZones = (await c.machineTypeZones(inst.machine_type)).map((x) => x.zone);
    const acceleratorZones = inst.accelerator
      ? (await c.acceleratorZones(inst.accelerator)).map((x) => x.zone).filter((z) => re.test(z))
      : null;
    const o = {
      zoneRegex: re,
      regexSource: inst.zone_regex,
      machineType: inst.machine_type,
      accelerator: inst.accelerator,
      machineZones,
      acceleratorZones,
    };
    s.zones = offeredZones(o);
    return offerVerdict(o);
  } catch (e) {
    return apiFailure(e, c.project);
  }
}

async function quota(s: GceState): Promise<Verdict> {
  const inst = instanceOf(s.config)!;
  const c = s.client!;
  try {
    const regions = await Promise.all(
      regionsOf(s.zones ?? []).map(async (region) => {
        const r = await c.request<{ quotas?: Quota[] }>('GET', `regions/${encodeURIComponent(region)}`);
        return { region, quotas: r.quotas ?? [] };
      }),
    );
    return quotaVerdict({
      project: c.project,
      accelerator: inst.accelerator!,
      count: inst.accelerator_count,
      spot: inst.spot,
      regions,
      projectQuotas: s.project?.quotas ?? [],
    });
  } catch (e) {
    return apiFailure(e, c.project);
  }
}

async function bootDisk(s: GceState): Promise<Verdict> {
  const inst = instanceOf(s.config);
  if (!inst) return NO_INSTANCE;
  const c = s.client!;
  if (inst.image) return bootImage(c, inst.image);
  if (!inst.snapshot)
    return fail('commit.instance names no boot disk', 'add instance.snapshot or instance.image');
  // `projects/OTHER/global/snapshots/NAME` lives in another project: ask that project for it.
  const m = /^projects\/([^/]+)\/(.+)$/.exec(inst.snapshot);
  const client = m ? clientFor(s, m[1]!) : c;
  const path = m ? m[2]! : inst.snapshot.includes('/') ? inst.snapshot : `global/snapshots/${inst.snapshot}`;
  try {
    const snap = await client.request<{ status?: string; diskSizeGb?: string }>('GET', path);
    if (snap.status && snap.status !== 'READY')
      return fail(
        `snapshot ${inst.snapshot} is ${snap.status}`,
        'wait until it is READY (gcloud compute snapshots describe)',
      );
    return okv(
      `snapshot ${inst.snapshot} exists and is readable${snap.diskSizeGb ? ` (${snap.diskSizeGb} GB)` : ''}`,
    );
  } catch (e) {
    if (e instanceof GceApiError && (e.status === 404 || e.status === 403))
      return fail(
        `snapshot ${inst.snapshot} ${e.status === 404 ? 'does not exist' : 'is not readable by you'} in project ${client.project}`,
        'fix instance.snapshot (gcloud compute snapshots list), or bake one from a VM with the GPU driver',
      );
    return apiFailure(e, client.project);
  }
}

async function serviceAccount(s: GceState): Promise<Verdict> {
  const configured = s.config.gcp.service_account;
  const email = configured === 'default' ? (s.project?.defaultServiceAccount ?? '') : configured;
  if (!email)
    return fail(
      'the project has no default compute service account',
      'set gcp.service_account to an account of the project, or restore the default one (gcloud services enable compute.googleapis.com re-creates it)',
    );
  return serviceAccountCheck(s.tokens!, email, configured === 'default', s.env);
}

async function prices(s: GceState): Promise<Verdict> {
  const p = await computePrices(s.tokens!, s.env);
  if (p.table && !p.problem) return okv('available from the Cloud Billing Catalog (cached up to a week)');
  if (p.table) return okv(`cached prices in use (${p.problem})`);
  return fail(
    `no prices (${p.problem ?? 'unknown'})`,
    'zones are then ranked without prices; check network access to cloudbilling.googleapis.com',
  );
}

export const GCE_CHECKS: Partial<Record<CheckId, (s: GceState) => Promise<Verdict>>> = {
  credentials,
  api,
  offer,
  quota,
  'boot-disk': bootDisk,
  'service-account': serviceAccount,
  prices,
};

/** instance.image: the image (or the newest of its family) exists and is readable. */
async function bootImage(c: GceClient, image: string): Promise<Verdict> {
  const path = imagePath(image);
  try {
    const img = await c.getImage(path);
    if (img.status && img.status !== 'READY')
      return fail(`image ${image} is ${img.status}`, 'wait until it is READY, or name another image');
    return okv(`image ${image} resolves to ${img.name ?? path} and is readable`);
  } catch (e) {
    if (e instanceof GceApiError && (e.status === 404 || e.status === 403))
      return fail(
        `image ${image} ${e.status === 404 ? 'does not exist' : 'is not readable by you'}`,
        'fix instance.image (gcloud compute images list --project P, or describe-from-family)',
      );
    return apiFailure(e, c.project);
  }
}
