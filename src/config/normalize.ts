// Schema-valid file → Config: defaults, durations in seconds, deploy keys as absolute paths.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { homedir } from 'node:os';
import { translatePyRegex } from './py-regex.js';
import type { MymlopsConfigFile } from './types.gen.js';
import type { ArtifactStore, Config, Instance, Repository } from './types.js';

type InstanceFile = NonNullable<NonNullable<MymlopsConfigFile['commit']>['instance']>;
type RepositoryFile = NonNullable<MymlopsConfigFile['commit']>['repository'];

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function parseDuration(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([smhd])$/.exec(v.trim());
  if (!m) throw new Error(`invalid duration ${v}`);
  return Math.round(Number(m[1]) * UNIT[m[2]!]!);
}

export function expandPath(p: string, dir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(dir, p);
}

function repository(r: RepositoryFile, dir: string): Repository {
  return {
    url: r.url,
    branch: r.branch ?? 'master',
    deploy_key: r.deploy_key === undefined ? undefined : expandPath(r.deploy_key, dir),
  };
}

type StoreFile = NonNullable<NonNullable<MymlopsConfigFile['commit']>['artifact_store']>;

/** The store as a URL: a folder path (relative to the config's folder) becomes a file:// URL. */
function artifactStore(s: StoreFile | undefined, dir: string): ArtifactStore | null {
  if (s === undefined) return null;
  const { url, min_mb } = typeof s === 'string' ? { url: s, min_mb: undefined } : s;
  let u = url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    // file:// URLs keep their meaning; a malformed one is left as written for the rules to name.
    if (url.startsWith('file://'))
      try {
        u = pathToFileURL(fileURLToPath(url)).href;
      } catch {}
  } else u = pathToFileURL(expandPath(url, dir)).href;
  return { url: u.replace(/\/+$/, ''), min_mb: min_mb ?? 45 };
}

function instance(i: InstanceFile | undefined, spotDefault: boolean): Instance | null {
  if (!i) return null;
  return {
    // A JavaScript pattern from here on (checkFileRules refused what cannot be translated).
    zone_regex: ((t) => (t.ok ? t.source : i.zone_regex))(translatePyRegex(i.zone_regex)),
    machine_type: i.machine_type,
    snapshot: i.snapshot ?? null,
    image: i.image ?? null,
    accelerator: i.accelerator ?? null,
    accelerator_count: i.accelerator_count ?? 1,
    disk_size_gb: i.disk_size_gb ?? 100,
    disk_type: i.disk_type ?? 'pd-ssd',
    spot: i.spot ?? spotDefault,
  };
}

/**
 * gcp.subnetwork as region → subnetwork path. Subnetworks are regional, so one subnetwork is the map
 * of its own region, and a bare name in a map means that region's subnetwork of that name.
 */
export function subnetworksByRegion(
  v: NonNullable<MymlopsConfigFile['gcp']>['subnetwork'],
): Record<string, string> | null {
  if (v === undefined) return null;
  if (typeof v === 'string') {
    const region = /(?:^|\/)regions\/([^/]+)\/subnetworks\//.exec(v)?.[1];
    return region ? { [region]: v } : null; // the schema's pattern guarantees a region
  }
  const out: Record<string, string> = {};
  for (const [region, s] of Object.entries(v))
    out[region] = s.includes('/') ? s : `regions/${region}/subnetworks/${s}`;
  return out;
}

export function normalize(f: MymlopsConfigFile, file: string, dir: string): Config {
  const c = f.commit;
  const s = f.start;
  const idle = s?.idle_shutdown ?? {};
  return {
    file,
    dir,
    backend: f.backend ?? 'gce',
    gcp: {
      project: f.gcp?.project ?? null,
      network: f.gcp?.network ?? null,
      subnetwork: subnetworksByRegion(f.gcp?.subnetwork),
      service_account: f.gcp?.service_account ?? 'default',
    },
    commit: c
      ? {
          command: c.command,
          instance: instance(c.instance, true),
          repository: repository(c.repository, dir),
          output_repository: repository(c.output_repository, dir),
          progress_interval: c.progress_interval ?? 60,
          max_duration: parseDuration(c.max_duration ?? '24h'),
          max_cost_usd: c.max_cost_usd ?? null,
          log_max_bytes: c.log_max_bytes ?? 5 * 1024 * 1024,
          artifact_store: artifactStore(c.artifact_store, dir),
          retry: { preempted: c.retry?.preempted ?? 0 },
          prune_after_days: c.prune_after_days ?? 30,
          snapshot: {
            include: c.snapshot?.include ?? [],
            exclude: c.snapshot?.exclude ?? [],
            max_file_mb: c.snapshot?.max_file_mb ?? 50,
            max_total_mb: c.snapshot?.max_total_mb ?? 200,
          },
        }
      : null,
    start: s
      ? {
          command: s.command,
          instance: instance(s.instance, true),
          repository: repository(s.repository, dir),
          idle_shutdown: {
            timeout: parseDuration(idle.timeout ?? '60m'),
            delete_after: idle.delete_after === undefined ? null : parseDuration(idle.delete_after) || null,
            cpu_threshold: idle.cpu_threshold ?? 5,
            gpu_threshold: idle.gpu_threshold ?? 5,
            interval: idle.interval ?? 10,
            action: idle.action ?? 'stop',
            jupyter_port: idle.jupyter_port ?? null,
            count_ssh_sessions: idle.count_ssh_sessions ?? 'all',
          },
        }
      : null,
    dashboard: {
      links: f.dashboard?.links ?? {},
      tunnel: f.dashboard?.tunnel
        ? {
            ...f.dashboard.tunnel,
            remote_ports: [...new Set(f.dashboard.tunnel.remote_ports)] as [number, ...number[]],
          }
        : null,
    },
    budget: { monthly_usd: f.budget?.monthly_usd ?? null },
    image: { setup: f.image?.setup ?? null },
  };
}
