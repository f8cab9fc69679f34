// The local backend: a job is a detached process group on this machine (bash running the job
// script) that survives the CLI. Its files live in <home>/jobs/<commit id>/:
//   job.sh, job.json, keys/ (0600: deploy keys, *.cred URL credentials), pid, job.log (stdout+stderr), run.log, result.json (written by
//   the job when it ends), cancelled.json (written by cancel), cancel-requested (the marker that tells
//   the job a SIGTERM is a user's cancel, not a shutdown), unpublished/ (a result whose push failed),
//   work/ (removed at the end unless -k).
import { spawn } from 'node:child_process';
import { jobAlive, jobEnv, readPid, spawnJob } from './spawn-job.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, err, ok, type Result, UserError } from '../../../errors.js';
import type { CommitMachine, DevMachine, LogChunk, Machine } from '../../../core/model.js';
import { readLogFile } from './log-file.js';
import { HOME } from '../../../util/home-layout.js';
import {
  findLaunch,
  jobDir,
  type LaunchRecord,
  listLaunches,
  readJson,
  readResult,
  writeJson,
} from '../../store/jobs.js';
import {
  type BackendCapabilities,
  type ComputeBackend,
  type LaunchAttempt,
  type LaunchFailure,
  type LaunchPlan,
  NO_CAPABILITIES,
  type Placement,
  type PlacementFailure,
  type PublishOutcome,
  type WithDevMachines,
  type WithPublishKept,
} from '../../../core/ports/backend.js';
import type { ArtifactStoreSetting } from '../../../core/ports/job-json.js';
import { credentialKeyFiles } from '../../git/job-credentials.js';
import { LocalDevMachines } from './devvm.js';

export interface CancelRecord {
  requested_at: string;
  /** True when the job did not stop on SIGTERM within the grace period and was killed. */
  forced: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class LocalBackend implements ComputeBackend, WithDevMachines, WithPublishKept {
  readonly kind = 'local' as const;
  /** Dev machines, and kept results published in place (no machine to start again). */
  readonly capabilities: BackendCapabilities = { ...NO_CAPABILITIES, devMachines: this, publishKept: this };
  /** Dev machines (`mymlops start`): <home>/dev/<name>/. */
  readonly dev: LocalDevMachines;
  constructor(readonly home: string) {
    this.dev = new LocalDevMachines(home);
  }

  private pidOf(commitId: string): number | null {
    return readPid(join(jobDir(commitId, this.home), 'pid'));
  }

  isRunning(commitId: string): boolean {
    const pid = this.pidOf(commitId);
    return pid !== null && jobAlive(pid, jobDir(commitId, this.home));
  }

  /** One placement: this machine. */
  async placements(): Promise<Placement[]> {
    return [{ zone: null, region: null, hourlyUsd: null }];
  }

  /** A commit's job folder (job.sh, job.json, keys/) is written before the job is started. */
  async prepareAttempt(plan: LaunchPlan): Promise<LaunchAttempt> {
    if (plan.kind === 'commit') {
      const dir = jobDir(plan.commitId, this.home);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'job.sh'), plan.jobScript, { mode: 0o700 });
      writeJson(join(dir, 'job.json'), plan.jobConfig, 0o600);
      const keys: Record<string, string | Buffer> = credentialKeyFiles(plan.credentials);
      for (const [name, src] of Object.entries(plan.keys)) if (src) keys[name] = readFileSync(src);
      for (const [name, content] of Object.entries(keys)) {
        mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 });
        writeFileSync(join(dir, 'keys', name), content, { mode: 0o600 });
      }
    }
    return { machine: plan.machineName, zone: null, requestId: null };
  }

  /** Starts the job (a commit) or the dev machine (start). */
  async tryPlacement(plan: LaunchPlan): Promise<Result<Machine, PlacementFailure>> {
    if (plan.kind === 'start') {
      const r = await this.dev.launch(plan);
      if (r.ok) return ok(r.value.machine);
      return err({
        kind: r.error.code === 'exists' ? 'exists' : 'other',
        scope: 'global',
        code: r.error.code,
        message: r.error.message,
        explained: r.error.message,
      });
    }
    const dir = jobDir(plan.commitId, this.home);
    const started = await spawnJob(join(dir, 'job.sh'), dir, jobEnv(dir));
    if (!started.ok) {
      const { message } = started.error;
      return err({ kind: 'other', scope: 'global', code: 'other', message, explained: message });
    }
    return ok(this.machineFor(plan.commitId, plan.machineName, new Date().toISOString()));
  }

  /** A launch's progress lines (with one placement and no zones the failover has none to say). */
  notify(line: string): void {
    process.stderr.write(`${line}\n`);
  }

  private machineFor(
    commitId: string,
    name: string,
    createdAt: string | null,
    rec?: LaunchRecord,
  ): CommitMachine {
    const dir = jobDir(commitId, this.home);
    const running = this.isRunning(commitId);
    const result = readResult(commitId, this.home);
    const cancelled = readJson<CancelRecord>(join(dir, 'cancelled.json'));
    let state: CommitMachine['state'] = 'running';
    let reason: string | null = null;
    if (!running) {
      if (result?.status === 'stopped') {
        // A shutdown stopped the job (it pushed what it had as `processing`): a retry finishes it.
        state = 'stopped';
        reason = result.reason ?? 'stopped';
      } else if (result) {
        // The job ended on its own and published (or tried to): the machine is gone.
        state = 'gone';
        reason = result.status === 'cancelled' ? 'cancelled' : 'finished';
      } else {
        state = 'stopped';
        reason = cancelled ? 'cancelled' : 'killed';
      }
    }
    return {
      kind: 'commit',
      name,
      commitId,
      backend: 'local',
      zone: null,
      state,
      reason,
      createdAt,
      machineType: null,
      accelerator: null,
      metadata: rec
        ? {
            commit: commitId,
            notebook: rec.notebook.split('/').pop() ?? rec.notebook,
            notebook_path: rec.notebook,
            repository: rec.repository.url,
            branch: rec.repository.branch,
            notes: rec.notes ?? '',
            source_commit: rec.source_commit,
            attempt: String(rec.attempt),
          }
        : {},
      // The job's own result.json, read at every listing (before its final push is fetched).
      ended: result
        ? {
            status: result.status,
            published: result.published !== false,
            publishError: result.publish_error || null,
          }
        : null,
    };
  }

  /**
   * Whether the job was ever started: spawnJob writes its pid first. A CLI killed after the launch
   * record and before the job started leaves a record without one: no machine, so the commit is
   * `provisioning` during the launch grace and `lost` after it, as on gce.
   */
  private started(commitId: string): boolean {
    const dir = jobDir(commitId, this.home);
    return existsSync(join(dir, 'pid')) || readResult(commitId, this.home) !== null;
  }

  async list(): Promise<Machine[]> {
    return listLaunches(this.home)
      .filter((r) => r.backend === 'local' && !r.queued && this.started(r.commit))
      .map((r): Machine => this.machineFor(r.commit, r.machine, r.created_at, r))
      .concat(this.dev.list());
  }

  private resolve(machineName: string): LaunchRecord {
    const rec = findLaunch(machineName, this.home);
    if (rec?.backend !== 'local')
      // Its folder was removed under it (by hand, a cleanup): the job may have run on; say so.
      throw new UserError(
        `the local job ${machineName} is gone: its folder under ${HOME.jobs(this.home)} was removed`,
        'if it published its result, `mymlops status` shows it; else run the commit again',
        { exitCode: EXIT.failed },
      );
    return rec;
  }

  async readLog(machineName: string, from: number): Promise<LogChunk> {
    if (this.dev.exists(machineName)) return this.dev.readLog(machineName, from);
    const rec = this.resolve(machineName);
    // Decide "done" before reading so the last bytes written before exit are never missed.
    const done = !this.isRunning(rec.commit);
    return readLogFile(HOME.jobLog(this.home, rec.commit), from, done);
  }

  async cancel(machineName: string, graceMs = 20_000): Promise<void> {
    const rec = this.resolve(machineName);
    const dir = jobDir(rec.commit, this.home);
    const pid = this.pidOf(rec.commit);
    const record: CancelRecord = { requested_at: new Date().toISOString(), forced: false };
    writeJson(join(dir, 'cancelled.json'), record);
    if (pid === null || !jobAlive(pid, dir)) return;
    // The marker first: a SIGTERM without it is a shutdown to the job, which then publishes no
    // final status (see the Signals part of job.sh's contract).
    writeFileSync(join(dir, 'cancel-requested'), `${record.requested_at}\n`);
    // SIGTERM the whole group: the job script traps it, stops the command and publishes `cancelled`.
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {}
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && jobAlive(pid, dir)) await sleep(100);
    if (jobAlive(pid, dir)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
      writeJson(join(dir, 'cancelled.json'), { ...record, forced: true });
    }
  }

  stopDev(name: string): Promise<void> {
    return this.dev.stop(name);
  }

  resumeDev(name: string): Promise<Result<DevMachine, LaunchFailure>> {
    return this.dev.resume(name);
  }

  deleteDev(name: string): Promise<void> {
    return this.dev.delete(name);
  }

  /**
   * Publishes a result the job kept because its push failed: job.sh in publish mode in the job
   * folder (idempotent: nothing is pushed when the output branch already holds that folder).
   */
  async publish(machineName: string, store: ArtifactStoreSetting | null = null): Promise<PublishOutcome> {
    const rec = this.resolve(machineName);
    const dir = jobDir(rec.commit, this.home);
    if (this.isRunning(rec.commit))
      return { code: 'running', published: false, message: 'the job is still running' };
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [join(dir, 'job.sh')], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...jobEnv(dir),
          MYMLOPS_JOB_MODE: 'publish',
          ...(store
            ? { MYMLOPS_ARTIFACT_STORE: store.url, MYMLOPS_ARTIFACT_STORE_MIN_MB: String(store.min_mb) }
            : {}),
        },
      });
      let log = '';
      const keep = (d: Buffer) => {
        log += d.toString('utf8');
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', () => resolve(null));
      child.on('close', (c) => {
        try {
          writeFileSync(join(dir, 'job.log'), log, { flag: 'a' });
        } catch {}
        resolve(c);
      });
    });
    const result = readResult(rec.commit, this.home);
    if (result?.published)
      return { code: 'published', published: true, message: result.message, status: result.status };
    return {
      code: code === null ? 'error' : 'failed',
      published: false,
      message: result?.publish_error ?? result?.message ?? `the job script exited with code ${code}`,
      ...(result ? { status: result.status } : {}),
    };
  }

  /** Where the job's files are (for messages). */
  jobDir(commitId: string): string {
    return jobDir(commitId, this.home);
  }

  hasJob(commitId: string): boolean {
    return existsSync(join(jobDir(commitId, this.home), 'job.sh'));
  }
}
