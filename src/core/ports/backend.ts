// The compute backend port: core plans and follows jobs through this interface; src/adapters/backends/
// holds one implementation per place machines run (local, gce), chosen in src/app/context.ts.
import type { Instance } from '../../config/types.js';
import type { Baker } from './baker.js';
import type { Result } from '../../errors.js';
import type { BackendKind, DevMachine, LogChunk, Machine, ZoneAttempt } from '../model.js';
import type { UrlCredentials } from '../../util/url.js';
import type { ArtifactStoreSetting, CommitJobJson, StartJobJson } from './job-json.js';

interface PlanBase {
  /** Instance / job name, e.g. mymlops-20241107-035340 (attempt n > 1: …-a<n>). */
  machineName: string;
  /** The backend-neutral bash program the machine runs (same text on every backend). */
  jobScript: string;
  /**
   * Deploy key files (absolute paths on this machine) the job needs; copied to its keys/ folder
   * with mode 0600 (keys/repository, keys/output).
   */
  keys: { repository?: string | undefined; output?: string | undefined };
  /** GCE only (null on local): machine shape. */
  instance: Instance | null;
  labels: Record<string, string>;
  /** The original's `mymlops-<key>` instance metadata (keys without the prefix). */
  metadata: Record<string, string>;
  /** Seconds after which the machine is stopped whatever happens (commit.max_duration). */
  maxDurationSeconds: number | null;
  /** Keep the machine after the job (commit -k / --keep-instance). */
  keepMachine: boolean;
  /** Zones to try last (a retry avoids the zone it was preempted in). */
  avoidZones: string[];
}

/** A commit job: runs the job script once, publishes, ends. */
export interface CommitPlan extends PlanBase {
  kind: 'commit';
  /** Also the job's key in <home>/jobs/. */
  commitId: string;
  /** job.json: its URLs carry no credentials (they are in `credentials`). */
  jobConfig: CommitJobJson;
  /**
   * Credentials split off the https URLs of commit.repository / commit.output_repository: secrets,
   * so never in jobConfig or metadata. Backends hand them to the job as key files next to the
   * deploy keys, keys/repository.cred and keys/output.cred (src/adapters/git/job-credentials.ts).
   */
  credentials: { repository?: UrlCredentials | undefined; output?: UrlCredentials | undefined };
}

/** A dev machine: runs the dev script at every boot until stopped. */
export interface StartPlan extends PlanBase {
  kind: 'start';
  commitId: null;
  /** job.json: its repository URL carries no credentials (they are in `credentials`). */
  jobConfig: StartJobJson;
  /** Credentials split off start.repository.url: keys/repository.cred, as for commits. */
  credentials: { repository?: UrlCredentials | undefined };
}

/** Everything a backend needs to run a job, built as pure data by the core planners. */
export type LaunchPlan = CommitPlan | StartPlan;

export type LaunchFailure =
  | { code: 'no_capacity'; message: string; zonesTried: ZoneAttempt[] }
  | { code: 'quota'; message: string; zonesTried: ZoneAttempt[] }
  /** The machine name is taken. */
  | { code: 'exists'; message: string; zonesTried: ZoneAttempt[] }
  | { code: 'permission' | 'config' | 'other'; message: string; zonesTried: ZoneAttempt[] }
  /** The launch was asked to stop (hooks.signal) before any machine could have been created. */
  | { code: 'interrupted'; message: string; zonesTried: ZoneAttempt[] };

/** The create request a backend is about to send: written down first, so a CLI killed while it is
 * in flight leaves a record that status, cancel and retry can follow. */
export interface LaunchAttempt {
  machine: string;
  /** The zone the request goes to (null where the backend has no zones). */
  zone: string | null;
  /** The request's idempotency key (GCE requestId); repeating the request with it creates nothing new. */
  requestId: string | null;
}

export interface LaunchHooks {
  /** Called before each create request is sent; a machine may exist from this moment on. */
  onAttempt?(a: LaunchAttempt): void;
  /** Once aborted, no further create request is sent: the launch ends `interrupted` if none was. */
  signal?: AbortSignal;
}

export interface Launched {
  machine: Machine;
  zonesTried: ZoneAttempt[];
}

/**
 * One place a launch can try (gce: a zone, with the machine's price there). A backend without
 * zones has one placement, zone null.
 */
export interface Placement {
  zone: string | null;
  /** The zone's region: what a region-wide failure (a regional quota) rules out; null: none. */
  region: string | null;
  /** The machine's price here, USD per hour (spot or on-demand, as it will run); null when unknown. */
  hourlyUsd: number | null;
}

/** Why one create request failed, classified by the backend that sent it: no machine came of it. */
export interface PlacementFailure {
  kind: 'capacity' | 'quota' | 'permission' | 'config' | 'exists' | 'other';
  /** What it rules out: this placement, every placement of its region, or every placement. */
  scope: 'zone' | 'region' | 'global';
  /** The cloud's own code (what zones_tried records). */
  code: string;
  /** The cloud's message (what zones_tried records). */
  message: string;
  /** The line for the user when this failure ends the launch. */
  explained: string;
}

/** How `publish` of a kept (unpublished) result ended. */
export interface PublishOutcome {
  /** published: pushed now or already there; running: the job has not ended; failed: the push failed again. */
  code: 'published' | 'running' | 'failed' | 'error';
  published: boolean;
  message: string | null;
  /** The commit's status after it (result.json). */
  status?: string;
}

/**
 * What a backend can do beyond the port's required methods, each a named capability (as dstack's
 * `ComputeWith*`): a backend class `implements` the ones it has and lists them in `capabilities`,
 * the one place callers ask. A capability is the object to call or null, so TypeScript refuses a
 * call that did not first check the backend has it.
 */
export interface BackendCapabilities {
  devMachines: WithDevMachines | null;
  publishKept: WithPublishKept | null;
  restart: WithRestart | null;
  images: WithImages | null;
  launchPreview: WithLaunchPreview | null;
  preemptionCheck: WithPreemptionCheck | null;
}

/** A backend with none: spread it and name the capabilities a backend has. */
export const NO_CAPABILITIES: BackendCapabilities = {
  devMachines: null,
  publishKept: null,
  restart: null,
  images: null,
  launchPreview: null,
  preemptionCheck: null,
};

/** Dev machines (`mymlops start`): stop, start again, delete. */
export interface WithDevMachines {
  /** Stop it and keep its disk, marked as stopped by the user. */
  stopDev(name: string): Promise<void>;
  /** Start a stopped one again (its dev script runs again, the clone is kept). */
  resumeDev(name: string): Promise<Result<DevMachine, LaunchFailure>>;
  /** Delete the machine and its disk. */
  deleteDev(name: string): Promise<void>;
}

/**
 * Push a result the job kept because publishing failed (job.sh's publish mode), waiting for the
 * outcome (local). `store`: the artifact store configured now (a result kept for a file too large
 * for git is published once one is set).
 */
export interface WithPublishKept {
  publish(machineName: string, store?: ArtifactStoreSetting | null): Promise<PublishOutcome>;
}

/**
 * Start a stopped machine again (gce: instances.start). A commit VM that kept its result
 * unpublished publishes it at that boot, then deletes itself: how such a backend publishes kept
 * results. zone null: no such machine.
 */
export interface WithRestart {
  resume(machineName: string, store?: ArtifactStoreSetting | null): Promise<{ zone: string | null }>;
}

/** What `mymlops image create` needs (gce). */
export interface WithImages {
  baker(): Promise<Baker>;
}

/** The `--dry-run` preview of a launch. */
export interface WithLaunchPreview {
  /**
   * Pure (no network): the machine request `launch` would send. Secrets (deploy key contents) are
   * replaced by placeholders.
   */
  describeLaunch(plan: LaunchPlan): Record<string, unknown>;
  /**
   * The image the machine would boot from, resolved (a family's newest image), or a line saying
   * why it could not be; null when it boots from a snapshot.
   */
  describeBoot(instance: Instance): Promise<string | null>;
}

/** Tells a preemption from other stops of a machine (gce), for automatic retries. */
export interface WithPreemptionCheck {
  wasPreempted(machineName: string): Promise<boolean>;
}

export interface ComputeBackend {
  readonly kind: BackendKind;
  /**
   * Where a launch of this shape would try, best first (gce: the ranked zones; local: one placement).
   * A caller may start it early (while it pushes the snapshot) and hand the promise to the launch.
   */
  placements(shape: Pick<LaunchPlan, 'instance' | 'avoidZones'>): Promise<Placement[]>;
  /**
   * Everything before the create request for `plan` (already placed) at `at`: builds and checks the
   * request (a throw says what is wrong with the plan) and names it. Nothing can run yet.
   */
  prepareAttempt(plan: LaunchPlan, at: Placement): Promise<LaunchAttempt>;
  /**
   * Sends the one create request `attempt` names and resolves once the machine has accepted the job
   * (local: spawned; gce: insert operation DONE). A failure as a value: no machine came of it. A
   * throw: one may exist (the outcome is unknown), so no other placement may be tried.
   */
  tryPlacement(plan: LaunchPlan, attempt: LaunchAttempt): Promise<Result<Machine, PlacementFailure>>;
  /** A launch's progress lines for the user (which zone is tried, why one failed). */
  notify(line: string): void;
  /** Every mymlops machine this backend knows about (commit and start). */
  list(): Promise<Machine[]>;
  /** Job output from byte offset `from` (local: the log file; gce: serial port 1). */
  readLog(machineName: string, from: number): Promise<LogChunk>;
  /** Stop and remove a commit machine (its job is killed). */
  cancel(machineName: string): Promise<void>;
  /** What it can do beyond the methods above. */
  readonly capabilities: BackendCapabilities;
}
