// `<home>/jobs/<id>/launch.json`: written by every launch on any backend (commit, retry), read by
// retry, logs/cancel, the local backend and status. The store is src/adapters/store/jobs.ts.
import type { BackendKind } from '../model.js';
import type { RunParameters } from '../sweep/expand.js';
import type { CommitJobJson } from './job-json.js';

/**
 * `launching`: written before the machine is asked for, kept up to date as the launch moves from
 * zone to zone; the machine may or may not exist. `launched`: the backend confirmed it.
 */
export type LaunchState = 'launching' | 'launched';

export interface LaunchRecord {
  commit: string;
  /** Records written before launch states existed were written after the launch: `launched`. */
  state?: LaunchState;
  /** The create request in flight or last sent (GCE requestId), while `launching`. */
  request_id?: string | null;
  backend: BackendKind;
  machine: string;
  zone: string | null;
  /** Notebook path inside the repository. */
  notebook: string;
  notes: string | null;
  repository: { url: string; branch: string };
  output_repository: { url: string; branch: string };
  source_commit: string;
  attempt: number;
  created_at: string;
  artifacts?: boolean;
  keep_machine?: boolean;
  accelerator?: string | null;
  /** So a retry injects the same values. */
  parameters?: RunParameters | null;
  group?: string | null;
  /** A sweep run its scheduler has not launched yet (no machine). */
  queued?: boolean;
  /** The mymlops.yml it was launched with: `logs` registers its .env secrets from anywhere. */
  config_file?: string;
}

function parameters(v: unknown): RunParameters | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const values = o['values'];
  if (!values || typeof values !== 'object' || Array.isArray(values) || typeof o['cell'] !== 'string')
    return null;
  return { values: values as RunParameters['values'], cell: o['cell'] };
}

/**
 * A launch.json as read back, tolerantly: a record needs its commit, backend and machine; other
 * fields a hand-written or older record lacks get empty values instead of failing every reader.
 */
export function parseLaunchRecord(raw: unknown): LaunchRecord | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const repo = (v: unknown) => {
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
    return { url: s(o['url']) ?? '', branch: s(o['branch']) ?? '' };
  };
  const commit = s(r['commit']);
  const machine = s(r['machine']);
  const backend = r['backend'];
  if (!commit || !machine || (backend !== 'local' && backend !== 'gce')) return null;
  return {
    commit,
    state: r['state'] === 'launching' ? 'launching' : 'launched',
    ...(s(r['request_id']) ? { request_id: s(r['request_id']) } : {}),
    backend,
    machine,
    zone: s(r['zone']),
    notebook: s(r['notebook']) ?? '',
    notes: s(r['notes']),
    repository: repo(r['repository']),
    output_repository: repo(r['output_repository']),
    source_commit: s(r['source_commit']) ?? '',
    attempt: typeof r['attempt'] === 'number' && r['attempt'] >= 1 ? r['attempt'] : 1,
    created_at: s(r['created_at']) ?? '',
    ...(typeof r['artifacts'] === 'boolean' ? { artifacts: r['artifacts'] } : {}),
    ...(typeof r['keep_machine'] === 'boolean' ? { keep_machine: r['keep_machine'] } : {}),
    accelerator: s(r['accelerator']),
    ...(parameters(r['parameters']) ? { parameters: parameters(r['parameters']) } : {}),
    ...(s(r['group']) ? { group: s(r['group']) } : {}),
    ...(r['queued'] === true ? { queued: true } : {}),
    ...(s(r['config_file']) ? { config_file: s(r['config_file'])! } : {}),
  };
}

/**
 * The launch record rebuilt from a local job's job.json, for a launch.json that is damaged (a full
 * disk, a hand edit): the job it describes may still run, and status, logs and cancel must find
 * it. `createdAt` is when job.json was written. Null when job.json is no commit job's either.
 */
export function recordFromJobJson(raw: unknown, createdAt: string): LaunchRecord | null {
  if (!raw || typeof raw !== 'object') return null;
  const j = raw as Partial<CommitJobJson>;
  const m = j.machine;
  if (typeof j.commit_id !== 'string' || !m || (m.backend !== 'local' && m.backend !== 'gce')) return null;
  if (typeof m.instance !== 'string' || !j.repository || !j.output_repository) return null;
  return {
    commit: j.commit_id,
    state: 'launched',
    backend: m.backend,
    machine: m.instance,
    zone: m.zone ?? null,
    notebook: j.notebook ?? '',
    notes: j.notes ?? null,
    repository: { url: j.repository.url, branch: j.repository.branch },
    output_repository: { url: j.output_repository.url, branch: j.output_repository.branch },
    source_commit: j.repository.sha ?? '',
    attempt: typeof j.metadata?.attempt === 'number' ? j.metadata.attempt : 1,
    created_at: createdAt,
    artifacts: j.artifacts === true,
    parameters: j.parameters ?? null,
    group: j.metadata?.group ?? null,
  };
}
