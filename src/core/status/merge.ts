// Merges the three sources of truth into one list of commit rows, newest first:
// the output repository (final or progress pushes, or folders of the original tool), the backend's
// live machines, and the launch records kept under <home>/jobs. Pure: the caller fetches all three.
import type {
  BackendKind,
  CellError,
  CommitMachine,
  CommitMetadata,
  CommitStatus,
  DevMachine,
  Machine,
} from '../model.js';
import {
  isLive,
  isPresent,
  isProvisioning,
  isRunning,
  isStopping,
  jobEnd,
  standingFor,
} from '../machine-state.js';
import { ACTIVE_STATUSES, type CommitRow, type DevVmRow, NOT_PUBLISHED, type OutputRecord } from './types.js';
import { commitIdDate, isCommitId } from '../commit/ids.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import { ROOT_SHELL } from '../devvm/access.js';
import { shQuote } from '../devvm/watchdog.js';

/** When a commit was made: its id's instant as ISO 8601, null when `id` is not an id. */
export function idTimestamp(id: string): string | null {
  return commitIdDate(id)?.toISOString() ?? null;
}

export interface MergeInput {
  records: OutputRecord[];
  /** null when the backend could not be listed: machine-dependent statuses are then not judged. */
  machines: Machine[] | null;
  launches: LaunchRecord[];
  /** Kind of the configured backend: its machine list is authoritative only for its own commits. */
  backend: BackendKind;
  now: Date;
  /** A launch this recent with no machine listed yet is still provisioning, not lost. */
  launchGraceSeconds?: number;
  /** Results the output branch once held and no longer does (its history was rewritten). */
  vanished?: string[];
}

export const VANISHED_REASON = 'result gone from the output repository';

/** The one-line warning about results gone from the output repository; null when none. */
export function vanishedWarning(ids: string[]): string | null {
  if (ids.length === 0) return null;
  const shown = ids.slice(-3).reverse().join(', ');
  return `${ids.length === 1 ? 'a result' : `${ids.length} results`} gone from the output repository (its history was rewritten?): ${shown}${ids.length > 3 ? ', …' : ''}`;
}

const FINAL: readonly CommitStatus[] = ['succeeded', 'failed', 'cancelled', 'stopped', 'lost'];

function stoppedOrCancelled(reason: string | null): { status: CommitStatus; reason: string } {
  if (reason === 'cancelled') return { status: 'cancelled', reason: 'cancelled' };
  return { status: 'stopped', reason: reason ?? 'machine stopped before the result was pushed' };
}

/** The attempt a machine runs (gce: its `mymlops-attempt` metadata, absent for the first). */
function machineAttempt(m: CommitMachine): number {
  const n = Number(m.metadata['attempt'] ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

interface Judged {
  status: CommitStatus;
  reason: string | null;
}

function judge(
  rec: OutputRecord | undefined,
  meta: Partial<CommitMetadata> | null,
  machine: CommitMachine | undefined,
  launch: LaunchRecord | undefined,
  machinesKnown: boolean,
  input: MergeInput,
  id: string,
): Judged {
  // A result seen before and gone now: say so, never an empty `succeeded` (a live machine of a new
  // attempt still decides: it will push again).
  const live = machine && isLive(machine);
  if (!rec && !live && input.vanished?.includes(id)) return { status: 'lost', reason: VANISHED_REASON };
  if (rec && meta?.status === undefined) {
    // Written by the original tool: it only pushed finished notebooks.
    return rec.hasErrorOutput
      ? {
          status: 'failed',
          reason: rec.firstError
            ? `${rec.firstError.ename}: ${rec.firstError.evalue}`
            : 'a cell raised an error',
        }
      : { status: 'succeeded', reason: null };
  }
  // The newest attempt decides: a final result of an earlier attempt is history once a machine of a
  // later attempt exists.
  if (rec && meta?.status && FINAL.includes(meta.status) && !(machine && superseded(meta, machine))) {
    const reason = meta.message ?? (meta.error ? `${meta.error.ename}: ${meta.error.evalue}` : null);
    return { status: meta.status, reason };
  }
  if (!rec && !machine && launch?.queued) return { status: 'queued', reason: null };
  // No result yet, or a progress push (`processing` / `provisioning`): the machine decides.
  const ownBackend = (meta?.backend ?? launch?.backend ?? input.backend) === input.backend;
  if (machine) {
    // The job's own verdict (the local backend reads it from the job folder) beats guessing while
    // the final push is not fetched yet.
    const end = jobEnd(machine);
    if (end && !end.published)
      return {
        status: 'failed',
        reason: `${NOT_PUBLISHED} ${end.publishError ?? 'the push of the result failed'}`,
      };
    if (end?.status === 'stopped') return { status: 'stopped', reason: machine.reason ?? 'stopped' };
    if (end && FINAL.includes(end.status))
      return { status: end.status, reason: end.status === 'succeeded' ? null : machine.reason };
    if (isRunning(machine)) return { status: 'processing', reason: null };
    if (isProvisioning(machine)) return { status: rec ? 'processing' : 'provisioning', reason: null };
    // A machine going down is still running the job's shutdown push (the partly executed notebook):
    // it is stopped once it is down, so that `stopped` always comes with what the job pushed.
    if (isStopping(machine))
      return {
        status: 'processing',
        reason: machine.reason === 'preempted' ? 'stopping: preempted' : 'stopping',
      };
    return stoppedOrCancelled(machine.reason);
  }
  if (!machinesKnown || !ownBackend) {
    // We cannot see the machine: report what the repository says without inventing a verdict.
    if (rec)
      return {
        status: 'processing',
        reason: machinesKnown ? null : 'backend unreachable: state not confirmed',
      };
    // Unknown is not lost: the machine may well be running, and a retry would run it twice.
    if (!machinesKnown) return { status: 'unknown', reason: 'backend unreachable: state unknown' };
    return { status: 'lost', reason: 'launched on another backend' };
  }
  if (rec && meta?.interrupted) return { status: 'stopped', reason: meta.interrupted };
  if (rec) return { status: 'stopped', reason: 'machine gone before the final result was pushed' };
  const launchedAt = str(launch?.created_at) ?? idTimestamp(id);
  const age = launchedAt ? (input.now.getTime() - Date.parse(launchedAt)) / 1000 : Number.POSITIVE_INFINITY;
  if (age < (input.launchGraceSeconds ?? 60)) return { status: 'provisioning', reason: null };
  return { status: 'lost', reason: 'no machine and no result' };
}

function superseded(meta: Partial<CommitMetadata> | null, m: CommitMachine): boolean {
  return machineAttempt(m) > (meta?.attempt ?? 1);
}

function objectOf(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function secondsBetween(a: string | null, b: string | null): number | null {
  if (!a || !b) return null;
  const d = (Date.parse(b) - Date.parse(a)) / 1000;
  return Number.isFinite(d) && d >= 0 ? Math.round(d) : null;
}

function firstOf(...vals: unknown[]): string | null {
  for (const v of vals) {
    const s = str(v);
    if (s !== null) return s;
  }
  return null;
}

export function mergeStatus(input: MergeInput): CommitRow[] {
  const records = new Map(input.records.filter((r) => isCommitId(r.id)).map((r) => [r.id, r]));
  const launches = new Map(input.launches.filter((l) => isCommitId(l.commit)).map((l) => [l.commit, l]));
  const byCommit = new Map<string, CommitMachine[]>();
  for (const m of input.machines ?? []) {
    if (m.kind !== 'commit' || !m.commitId || !isCommitId(m.commitId)) continue;
    const list = byCommit.get(m.commitId) ?? [];
    list.push(m);
    byCommit.set(m.commitId, list);
  }
  const ids = new Set([
    ...records.keys(),
    ...launches.keys(),
    ...byCommit.keys(),
    ...(input.vanished ?? []).filter(isCommitId),
  ]);
  const rows: CommitRow[] = [];
  for (const id of ids) {
    const rec = records.get(id);
    const launch = launches.get(id);
    const machine = standingFor(byCommit.get(id) ?? []);
    const meta = rec?.metadata ?? null;
    const mm = machine?.metadata ?? {};
    const { status, reason } = judge(rec, meta, machine, launch, input.machines !== null, input, id);
    const timestamp = idTimestamp(id) as string;
    const started = firstOf(meta?.started_at, launch?.created_at, machine?.createdAt) ?? timestamp;
    const finished = FINAL.includes(status) ? str(meta?.finished_at) : null;
    const duration =
      typeof meta?.duration_seconds === 'number' && FINAL.includes(status)
        ? meta.duration_seconds
        : FINAL.includes(status)
          ? secondsBetween(started, finished)
          : null;
    const error: CellError | null = meta?.error ?? (rec?.hasErrorOutput ? rec.firstError : null) ?? null;
    const artifactsFlag =
      meta?.artifacts ?? launch?.artifacts ?? (mm['artifacts'] === 'True' || mm['artifacts'] === 'true');
    rows.push({
      id,
      status,
      reason,
      timestamp,
      started_at: started,
      finished_at: finished,
      duration_seconds: duration,
      // The file in the folder is the notebook (as the original read it), whatever metadata.json says.
      notebook: firstOf(rec?.notebook, meta?.notebook, launch?.notebook.split('/').pop(), mm['notebook']),
      output_path: rec?.notebook ? `${id}/${rec.notebook}` : null,
      repository: firstOf(meta?.repository, launch?.repository.url, mm['repository']),
      branch: firstOf(meta?.branch, launch?.repository.branch, mm['branch']),
      notes: firstOf(meta?.notes, launch?.notes, mm['notes']),
      artifacts: Boolean(artifactsFlag) || (rec?.artifacts.length ?? 0) > 0,
      artifact_files: rec?.artifacts ?? [],
      accelerator: firstOf(meta?.accelerator, launch?.accelerator, machine?.accelerator, mm['accelerator']),
      progress: meta?.progress ?? null,
      error,
      cost_usd: typeof meta?.cost?.amount_usd === 'number' ? meta.cost.amount_usd : null,
      cost_estimate: meta?.cost?.estimate === true,
      metrics: rec?.metrics ?? {},
      parameters: objectOf(meta?.parameters) ?? launch?.parameters?.values ?? {},
      group: firstOf(meta?.group, launch?.group),
      backend: meta?.backend ?? launch?.backend ?? machine?.backend ?? null,
      machine: machine
        ? { name: machine.name, state: machine.state, zone: machine.zone, machine_type: machine.machineType }
        : null,
      attempt:
        machine && (superseded(meta, machine) || !rec)
          ? machineAttempt(machine)
          : typeof meta?.attempt === 'number'
            ? meta.attempt
            : null,
      attempts: meta?.attempts ?? [],
      format: rec ? (meta?.status === undefined ? 'original' : 'mymlops') : null,
      has_log: rec?.hasLog ?? false,
    });
  }
  return rows.sort(compareNewestFirst);
}

export function compareNewestFirst(
  a: { id: string; timestamp: string },
  b: { id: string; timestamp: string },
): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  // Same second: the bumped id (`_N`) is the later one.
  return b.id.localeCompare(a.id, 'en', { numeric: true });
}

export function runningCount(rows: CommitRow[]): number {
  return rows.filter((r) => ACTIVE_STATUSES.includes(r.status)).length;
}

/** Dev VMs (machines of kind `start`); ports and commands are filled by the tunnels module when present. */
export function devVmRows(machines: Machine[] | null): DevVmRow[] {
  return (machines ?? [])
    .filter((m): m is DevMachine => m.kind === 'start' && isPresent(m))
    .map((m) => ({
      name: m.name,
      backend: m.backend,
      zone: m.zone,
      state: m.state,
      reason: m.reason,
      machine_type: m.machineType,
      accelerator: m.accelerator,
      created_at: m.createdAt,
      idle: m.idle,
      dev: m.dev,
      deletes_at: m.deletesAt,
      ports: [],
      ssh_command: m.sshTarget ? `ssh -t ${m.sshTarget} ${shQuote(ROOT_SHELL)}` : null,
      logs_command: `mymlops logs ${m.name}`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
