// The normalised config the rest of the program sees: defaults applied, durations in seconds.
// Derived from the generated file types so the schema stays the single source.
import type { MymlopsConfigFile } from './types.gen.js';

type Def<T> = Exclude<T, undefined>;
type CommitFile = Def<MymlopsConfigFile['commit']>;
type StartFile = Def<MymlopsConfigFile['start']>;
type DashboardFile = Def<MymlopsConfigFile['dashboard']>;
type InstanceFile = Def<CommitFile['instance']>;
type RepositoryFile = CommitFile['repository'];
type IdleFile = Def<StartFile['idle_shutdown']>;

/** commit.snapshot with its defaults (rules in src/core/snapshot/rules.ts). */
export type SnapshotConfig = Required<Def<CommitFile['snapshot']>>;

export type Backend = Def<MymlopsConfigFile['backend']>;

export type Repository = Required<Pick<RepositoryFile, 'url' | 'branch'>> & {
  /** Absolute path (resolved against the config's folder). */
  deploy_key?: string | undefined;
};

/** The boot disk's source: exactly one of snapshot and image is set (rules.ts). */
export type Instance = Required<Omit<InstanceFile, 'accelerator' | 'spot' | 'snapshot' | 'image'>> & {
  snapshot: string | null;
  image: string | null;
  accelerator: string | null;
  spot: boolean;
};

export type IdleShutdown = Required<Omit<IdleFile, 'timeout' | 'jupyter_port' | 'delete_after'>> & {
  timeout: number;
  /** Seconds a dev machine may stay stopped before it is deleted; null = never. */
  delete_after: number | null;
  jupyter_port: number | null;
};

/** url: file:///abs/folder or gs://bucket/prefix, no trailing slash. */
export interface ArtifactStore {
  url: string;
  min_mb: number;
}

export interface CommitConfig {
  command: string;
  instance: Instance | null;
  repository: Repository;
  output_repository: Repository;
  progress_interval: number;
  max_duration: number;
  /** USD per commit; null = no cap. */
  max_cost_usd?: number | null;
  log_max_bytes: number;
  /** Where artifact files over min_mb go instead of git; null = none (they are pushed, up to git's limit). */
  artifact_store?: ArtifactStore | null;
  retry: { preempted: number };
  prune_after_days: number;
  snapshot: SnapshotConfig;
}

export interface StartConfig {
  command: string;
  instance: Instance | null;
  repository: Repository;
  idle_shutdown: IdleShutdown;
}

export interface DashboardConfig {
  links: Record<string, string>;
  tunnel: Def<DashboardFile['tunnel']> | null;
}

export interface GcpConfig {
  project: string | null;
  /** null: the subnetwork's network when a subnetwork is set, else global/networks/default. */
  network: string | null;
  /** Region → subnetwork path (normalize.ts); null: none (the network's auto subnetworks). */
  subnetwork: Record<string, string> | null;
  service_account: string;
}

export interface Config {
  /** Absolute path of the mymlops.yml that was loaded. */
  file: string;
  /** Folder of the config: relative paths (deploy keys) are resolved against it. */
  dir: string;
  backend: Backend;
  gcp: GcpConfig;
  commit: CommitConfig | null;
  start: StartConfig | null;
  dashboard: DashboardConfig;
  budget?: { monthly_usd: number | null };
  /** `mymlops image create`: the setup command run in a clone of the repository before the snapshot. */
  image?: { setup: string | null };
}
