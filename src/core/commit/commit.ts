// The commit use case: validate every input first (so a bad one leaves nothing behind), then
// snapshot → push the hidden ref → launch on the backend → record the launch. Adapters come in
// through CommitDeps; nothing here spawns a process itself.
import { snapshotPushFix } from './push-failure.js';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CommitPlan, ComputeBackend, LaunchPlan } from '../ports/backend.js';
import type { ClaimFailure, GitAuth } from '../ports/git.js';
import type { Notebook } from '../ports/notebook.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { Config } from '../../config/types.js';
import { EXIT, type Result, UserError } from '../../errors.js';
import type { Machine } from '../model.js';
import { canInject, kernelLanguage } from '../params/python.js';
import { neverInSnapshot } from '../snapshot/never.js';
import { excludedLine, planSnapshot, type SnapshotInspection, type SnapshotPlan } from '../snapshot/rules.js';
import { stripUrlCredentials } from '../../util/url.js';
import type { RunParameters } from '../sweep/expand.js';
import { launchFailureError } from '../launch-failure.js';
import { commitIdAt, MAX_ID_CLAIMS, secondAfter, snapshotRef } from './ids.js';
import { type LaunchStep, launchRecorded } from './launch-record.js';
import {
  type CommitRequest,
  metadataBase,
  type MetadataBase,
  planCommit,
  previewPlan,
  requireCommitSection,
} from './plan.js';

export interface CommitDeps {
  now(): Date;
  cwd: string;
  readNotebook(path: string, display: string): Notebook;
  clearNotebook(nb: Notebook): string;
  realpath(path: string): string;
  /** Throws a UserError when a key file is missing or unreadable. */
  checkKey(path: string, what: string): void;
  repoRoot(dir: string): Promise<string | null>;
  inspectSnapshot(root: string): Promise<SnapshotInspection>;
  createSnapshot(o: {
    root: string;
    notebook: string;
    notebookContent: string;
    message: string;
    exclude: string[];
    unflag: string[];
  }): Promise<{ sha: string }>;
  /** Pushes `sha` to `ref` only where `ref` does not exist yet (taken: another commit has it). */
  claimRef(o: {
    root: string;
    url: string;
    sha: string;
    ref: string;
    auth: GitAuth;
  }): Promise<Result<void, ClaimFailure>>;
  /** Reserves `id` in the output repository (idRef; taken: another home or machine has it). */
  claimOutputId(o: {
    root: string;
    url: string;
    id: string;
    auth: GitAuth;
  }): Promise<Result<void, ClaimFailure>>;
  deleteRef(o: { root: string; url: string; ref: string; auth: GitAuth }): Promise<void>;
  reserveCommitId(now: Date): string;
  releaseCommitId(id: string): void;
  recordLaunch(rec: LaunchRecord): void;
  backend: () => ComputeBackend;
  /** The job script's text (read from the shipped assets by the caller). */
  jobScript(): string;
  /** One line each, before the launch: how the snapshot differs from the disk, what it leaves out. */
  warn?(line: string): void;
  /** Each launch step as it starts (the CLI logs them under --verbose). */
  onStep?(s: LaunchStep): void;
  /** `--instance NAME`: the notebook at `relPath` in dev machine NAME's clone. */
  readDevNotebook?(instance: string, relPath: string): Promise<Notebook>;
}

export interface CommitOptions {
  path: string;
  notes: string | null;
  artifacts: boolean;
  keepMachine: boolean;
  instance: string | null;
  sshOptions: string[];
  /** `-p`/`-f` values and their cell (one run of src/core/sweep/expand.ts); null = none. */
  parameters?: RunParameters | null;
  group?: string | null;
  /** Ctrl-C / SIGTERM: no create request is sent after it; before one was, everything is undone. */
  signal?: AbortSignal;
}

interface Prepared {
  config: Config & { commit: NonNullable<Config['commit']> };
  root: string;
  request: CommitRequest;
  cleared: string;
  auth: GitAuth;
  snapshot: SnapshotPlan;
}

async function prepare(config: Config, o: CommitOptions, deps: CommitDeps): Promise<Prepared> {
  requireCommitSection(config);
  const abs = resolve(deps.cwd, o.path);
  // --instance: the notebook comes from the dev machine's clone, so it need not exist here.
  let nb = o.instance ? null : deps.readNotebook(abs, o.path);
  const root = await deps.repoRoot(deps.cwd);
  if (!root)
    throw new UserError(
      `${deps.cwd} is not inside a git repository`,
      'run mymlops commit from your repository (git init)',
    );
  const realRoot = deps.realpath(root);
  const rel = o.instance
    ? relative(realRoot, resolve(deps.realpath(deps.cwd), o.path))
    : relative(realRoot, deps.realpath(abs));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    throw new UserError(
      `${o.path} is outside the repository ${root}`,
      'move the notebook into the repository, or run from its repository',
    );
  if (o.instance) {
    if (!deps.readDevNotebook)
      throw new UserError('commit --instance is not available here', 'commit the notebook from this machine');
    nb = await deps.readDevNotebook(o.instance, rel.split(sep).join('/'));
  }
  const language = kernelLanguage(nb!.metadata);
  if (o.parameters && !canInject(language))
    throw new UserError(
      `${o.path} runs a ${language} kernel: parameters can be injected into python notebooks only`,
      'drop -p/-f, or set the values in the notebook',
    );
  for (const [what, r] of [
    ['commit.repository.deploy_key', config.commit.repository],
    ['commit.output_repository.deploy_key', config.commit.output_repository],
  ] as const) {
    if (r.deploy_key) deps.checkKey(r.deploy_key, what);
  }
  const snapshot = planSnapshot({
    inspection: await deps.inspectSnapshot(realRoot),
    rules: config.commit.snapshot,
    always: neverInSnapshot(config, realRoot, deps.realpath),
    remoteUrl: stripUrlCredentials(config.commit.repository.url),
  });
  return {
    snapshot,
    config: config as Prepared['config'],
    root: realRoot,
    request: {
      notebook: rel.split(sep).join('/'),
      notes: o.notes,
      artifacts: o.artifacts,
      keepMachine: o.keepMachine,
      parameters: o.parameters ?? null,
      group: o.group ?? null,
    },
    cleared: deps.clearNotebook(nb!),
    auth: { deployKey: config.commit.repository.deploy_key, sshOptions: o.sshOptions },
  };
}

export interface DryRun {
  commitId: string;
  ref: string;
  root: string;
  files: string[];
  /** Untracked files the snapshot adds (biggest first), what it leaves out, how it differs from disk. */
  snapshot: SnapshotPlan;
  plan: LaunchPlan;
  metadata: MetadataBase;
  /** The backend's machine request (gce: the instances.insert body), when it can describe one. */
  request: Record<string, unknown> | null;
  /** The image the machine boots from, resolved by the backend; null for a snapshot. */
  bootImage: string | null;
}

export async function dryRunCommit(config: Config, o: CommitOptions, deps: CommitDeps): Promise<DryRun> {
  const p = await prepare(config, o, deps);
  const preview = deps.backend().capabilities.launchPreview;
  const commitId = commitIdAt(deps.now());
  const input = {
    config: p.config,
    request: p.request,
    commitId,
    sourceCommit: '<snapshot sha>',
    sshOptions: o.sshOptions,
    jobScript: deps.jobScript(),
  };
  const files = [...p.snapshot.files];
  if (!files.includes(p.request.notebook)) files.push(p.request.notebook);
  const plan = planCommit(input);
  return {
    commitId,
    ref: snapshotRef(commitId),
    root: p.root,
    files: files.sort(),
    snapshot: p.snapshot,
    plan: previewPlan(plan),
    metadata: metadataBase(input),
    request: preview?.describeLaunch(plan) ?? null,
    bootImage: preview && plan.instance ? await preview.describeBoot(plan.instance) : null,
  };
}

export interface Started {
  commitId: string;
  sourceCommit: string;
  ref: string;
  plan: CommitPlan;
  machine: Machine;
  backend: ComputeBackend;
}

export async function startCommit(config: Config, o: CommitOptions, deps: CommitDeps): Promise<Started> {
  const p = await prepare(config, o, deps);
  if (p.snapshot.refusal) throw new UserError(p.snapshot.refusal.what, p.snapshot.refusal.fix);
  for (const line of [excludedLine(p.snapshot.excluded), ...p.snapshot.warnings]) if (line) deps.warn?.(line);
  const backend = deps.backend();
  const { commitId, snap, plan, machine } = await launchOrRollBack(
    p,
    o,
    deps,
    backend,
    deps.reserveCommitId(deps.now()),
  );
  return { commitId, sourceCommit: snap.sha, ref: snapshotRef(commitId), plan, machine, backend };
}

/** The record of this commit's launch, before the backend is asked for a machine. */
function launchingRecord(
  p: Prepared,
  o: CommitOptions,
  backend: ComputeBackend,
  commitId: string,
  sha: string,
  now: Date,
): LaunchRecord {
  return {
    commit: commitId,
    state: 'launching',
    backend: backend.kind,
    machine: '',
    zone: null,
    notebook: p.request.notebook,
    notes: o.notes,
    repository: {
      url: stripUrlCredentials(p.config.commit.repository.url),
      branch: p.config.commit.repository.branch,
    },
    output_repository: {
      url: stripUrlCredentials(p.config.commit.output_repository.url),
      branch: p.config.commit.output_repository.branch,
    },
    source_commit: sha,
    attempt: 1,
    created_at: now.toISOString(),
    artifacts: o.artifacts,
    keep_machine: o.keepMachine,
    parameters: o.parameters ?? null,
    group: o.group ?? null,
    config_file: p.config.file,
  };
}

/**
 * Snapshot → push → plan → record → launch. A failure (or an interruption, `o.signal`) before any
 * create request was sent, or a launch that failed as a value, removes the pushed ref and the job
 * folder; once a machine may exist nothing is undone: its `launching` record is how status, cancel
 * and retry find it, and the machine needs the ref.
 */
async function launchOrRollBack(
  p: Prepared,
  o: CommitOptions,
  deps: CommitDeps,
  backend: ComputeBackend,
  reserved: string,
): Promise<{ commitId: string; snap: { sha: string }; plan: CommitPlan; machine: Machine }> {
  const url = p.config.commit.repository.url;
  let commitId = reserved;
  let pushed = false;
  const rollBack = async () => {
    if (pushed) await deps.deleteRef({ root: p.root, url, ref: snapshotRef(commitId), auth: p.auth });
    deps.releaseCommitId(commitId);
  };
  const stopIfInterrupted = () => {
    if (o.signal?.aborted)
      throw new UserError('interrupted before the launch', 'nothing was created; commit again when ready', {
        exitCode: EXIT.interrupted,
      });
  };
  // Zone choice and prices are looked up while the snapshot is built and pushed.
  const placements = backend.placements({ instance: p.config.commit.instance, avoidZones: [] });
  placements.catch(() => {}); // the launch reports it; a launch that never comes must not crash the process
  let snap: { sha: string };
  let plan: CommitPlan;
  try {
    snap = await claimIdAndPush(p, o, deps, commitId, stopIfInterrupted, (id) => {
      commitId = id;
    });
    pushed = true;
    stopIfInterrupted();
    plan = planCommit({
      config: p.config,
      request: p.request,
      commitId,
      sourceCommit: snap.sha,
      sshOptions: o.sshOptions,
      jobScript: deps.jobScript(),
    });
    deps.onStep?.({ step: 'launch', commitId });
  } catch (e) {
    await rollBack();
    throw e;
  }
  const { sent, outcome } = await launchRecorded({
    backend,
    plan,
    rec: launchingRecord(p, o, backend, commitId, snap.sha, deps.now()),
    write: (rec, sentBefore) => writeRecord(deps, rec, sentBefore),
    placements,
    signal: o.signal,
    onStep: deps.onStep,
  });
  // Undone only while no create request was sent: once one was, a machine may exist and needs the ref.
  try {
    if ('thrown' in outcome) throw outcome.thrown;
    const launched = outcome.result;
    if (!launched.ok) {
      if (launched.error.code === 'interrupted') stopIfInterrupted();
      throw launchFailureError({ kind: 'commit' }, launched.error);
    }
    return { commitId, snap, plan, machine: launched.value.machine };
  } catch (e) {
    if (!sent) await rollBack();
    throw e;
  }
}

/**
 * The snapshot, pushed under an id no other home or machine has: the id is claimed in the output
 * repository (while the snapshot is built) and by the snapshot ref's create-only push; an id taken
 * in either moves to the next second (`moved` is told each new id). An output repository that
 * cannot be reached here is no reason to stop: the job's own push reports it (with the job's
 * credentials), and the snapshot ref still guards the id among users of the code repository.
 */
async function claimIdAndPush(
  p: Prepared,
  o: CommitOptions,
  deps: CommitDeps,
  first: string,
  stopIfInterrupted: () => void,
  moved: (id: string) => void,
): Promise<{ sha: string }> {
  const url = p.config.commit.repository.url;
  const out = p.config.commit.output_repository;
  const outAuth = { deployKey: out.deploy_key, sshOptions: o.sshOptions };
  let id = first;
  for (let tries = 1; ; tries++) {
    deps.onStep?.({ step: 'snapshot' });
    const [claim, snap] = await Promise.all([
      deps.claimOutputId({ root: p.root, url: out.url, id, auth: outAuth }),
      deps.createSnapshot({
        root: p.root,
        notebook: p.request.notebook,
        notebookContent: p.cleared,
        message: `mymlops snapshot ${id}: ${p.request.notebook}${o.notes ? `\n\n${o.notes}` : ''}`,
        exclude: p.snapshot.excluded.map((e) => e.path),
        unflag: p.snapshot.reread,
      }),
    ]);
    let taken = !claim.ok && claim.error.taken;
    if (!taken) {
      stopIfInterrupted();
      deps.onStep?.({ step: 'push' });
      const push = await deps.claimRef({
        root: p.root,
        url,
        sha: snap.sha,
        ref: snapshotRef(id),
        auth: p.auth,
      });
      if (push.ok) return snap;
      if (!push.error.taken)
        throw new UserError(
          `could not push the snapshot to ${stripUrlCredentials(url)}: ${push.error.line}`,
          snapshotPushFix(push.error.line),
        );
      taken = true;
    }
    if (tries >= MAX_ID_CLAIMS)
      throw new UserError(
        `commit ids ${first} to ${id} are all taken in the code or output repository`,
        'commit again in a moment',
      );
    const next = deps.reserveCommitId(secondAfter(id));
    deps.releaseCommitId(id);
    id = next;
    moved(id);
  }
}

/**
 * A record that cannot be written before the launch stops it (nothing was created); once a
 * machine may exist the job keeps running and the user is told what no longer finds it.
 */
function writeRecord(deps: CommitDeps, rec: LaunchRecord, sent: boolean): void {
  try {
    deps.recordLaunch(rec);
  } catch (e) {
    if (!sent)
      throw new UserError(
        `the launch record of commit ${rec.commit} could not be written (${(e as Error).message})`,
        'make MYMLOPS_HOME writable; nothing was launched',
      );
    throw new UserError(
      `commit ${rec.commit} is running on ${rec.machine}, but its launch record could not be written (${(e as Error).message})`,
      'the job still publishes its result to the output repository; make MYMLOPS_HOME writable so that logs, cancel and retry can find later commits',
    );
  }
}
