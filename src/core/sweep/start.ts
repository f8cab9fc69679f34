// Committing a sweep: the first run goes through the ordinary commit (validation, the one
// snapshot, its push, its launch); every other run gets its own id and ref pointing at that same
// snapshot commit (one push) and is queued, with its plan, for the detached scheduler. The runs
// differ only in the parameters the job injects (job.json), so one snapshot serves them all.
import type { ClaimFailure, GitAuth } from '../ports/git.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { GroupFile } from './group.js';
import type { Config } from '../../config/types.js';
import { type Result, UserError } from '../../errors.js';
import { type CommitDeps, type CommitOptions, type Started, startCommit } from '../commit/commit.js';
import { commitIdCandidates, MAX_ID_CLAIMS, secondAfter, snapshotRef } from '../commit/ids.js';
import { planCommit } from '../commit/plan.js';
import { groupIdFor, type RunParameters } from './expand.js';

export interface SweepDeps extends CommitDeps {
  reserveGroup(candidates: Iterable<string>): string;
  writeGroup(g: GroupFile): void;
  /** Pushes each sha to its ref where the ref does not exist yet (taken: refs other commits hold). */
  claimRefs(o: {
    root: string;
    url: string;
    claims: { ref: string; sha: string }[];
    auth: GitAuth;
  }): Promise<Result<void, ClaimFailure>>;
  /** Reserves ids in the output repository (taken: refs other homes or machines hold). */
  claimOutputIds(o: {
    root: string;
    url: string;
    ids: string[];
    auth: GitAuth;
  }): Promise<Result<void, ClaimFailure>>;
}

export interface SweepStarted {
  group: string;
  first: Started;
  commits: string[];
}

function* groupCandidates(now: Date): Generator<string> {
  for (const id of commitIdCandidates(now)) yield groupIdFor(id);
}

export async function startSweep(
  config: Config,
  o: CommitOptions,
  runs: RunParameters[],
  maxParallel: number | null,
  deps: SweepDeps,
): Promise<SweepStarted> {
  const group = deps.reserveGroup(groupCandidates(deps.now()));
  const first = await startCommit(config, { ...o, parameters: runs[0]!, group }, deps);
  const c = config.commit!;
  const rest: string[] = [];
  try {
    for (let i = 1; i < runs.length; i++) rest.push(deps.reserveCommitId(deps.now()));
    const root = (await deps.repoRoot(deps.cwd))!;
    await claimRunIds(rest, deps, {
      root,
      sha: first.sourceCommit,
      code: { url: c.repository.url, auth: { deployKey: c.repository.deploy_key, sshOptions: o.sshOptions } },
      output: {
        url: c.output_repository.url,
        auth: { deployKey: c.output_repository.deploy_key, sshOptions: o.sshOptions },
      },
      first: first.commitId,
    });
    const notebook = first.plan.jobConfig.notebook;
    const recordOf = (
      commit: string,
      machine: string,
      parameters: RunParameters,
      queued: boolean,
    ): LaunchRecord => ({
      commit,
      backend: first.backend.kind,
      machine,
      zone: null,
      notebook,
      notes: o.notes,
      repository: { url: c.repository.url, branch: c.repository.branch },
      output_repository: { url: c.output_repository.url, branch: c.output_repository.branch },
      source_commit: first.sourceCommit,
      attempt: 1,
      created_at: deps.now().toISOString(),
      artifacts: o.artifacts,
      keep_machine: o.keepMachine,
      parameters,
      group,
      ...(queued ? { queued } : {}),
    });
    // One text for every run (the assets do not change during a sweep of up to MAX_RUNS runs).
    const jobScript = deps.jobScript();
    const queued = rest.map((commitId, k) => {
      const request = {
        notebook,
        notes: o.notes,
        artifacts: o.artifacts,
        keepMachine: o.keepMachine,
        parameters: runs[k + 1]!,
        group,
      };
      const plan = planCommit({
        config,
        request,
        commitId,
        sourceCommit: first.sourceCommit,
        sshOptions: o.sshOptions,
        jobScript,
      });
      const record = recordOf(commitId, plan.machineName, request.parameters, true);
      deps.recordLaunch(record);
      return { commit: commitId, state: 'queued' as const, plan, record };
    });
    deps.writeGroup({
      group,
      config_file: config.file,
      max_parallel: maxParallel ?? runs.length,
      cancelled: false,
      created_at: deps.now().toISOString(),
      runs: [
        {
          commit: first.commitId,
          state: 'launched',
          plan: first.plan,
          record: recordOf(first.commitId, first.machine.name, runs[0]!, false),
        },
        ...queued,
      ],
    });
  } catch (e) {
    for (const id of rest) deps.releaseCommitId(id);
    throw e;
  }
  return { group, first, commits: [first.commitId, ...rest] };
}

const idOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

/**
 * The runs' ids claimed as the first run's is (src/core/commit/commit.ts): in the output repository
 * and by create-only snapshot refs on the one snapshot commit. An id taken in either is replaced in
 * `ids` (in place, so a rollback releases the current ones) by the next free second, and only the
 * replaced ones are claimed again.
 */
async function claimRunIds(
  ids: string[],
  deps: SweepDeps,
  o: {
    root: string;
    sha: string;
    code: { url: string; auth: GitAuth };
    output: { url: string; auth: GitAuth };
    first: string;
  },
): Promise<void> {
  let pending = [...ids];
  for (let tries = 1; pending.length > 0; tries++) {
    const out = await deps.claimOutputIds({
      root: o.root,
      url: o.output.url,
      ids: pending,
      auth: o.output.auth,
    });
    // An output repository that cannot be reached here is left to the jobs to report (as for commit).
    let taken = new Set(out.ok ? [] : out.error.refs.map(idOf));
    if (taken.size === 0) {
      const code = await deps.claimRefs({
        root: o.root,
        url: o.code.url,
        claims: pending.map((id) => ({ ref: snapshotRef(id), sha: o.sha })),
        auth: o.code.auth,
      });
      if (code.ok) return;
      if (!code.error.taken)
        throw new UserError(
          `could not push the sweep's snapshot refs to ${o.code.url}: ${code.error.line}`,
          `the first run (${o.first}) started; cancel it with \`mymlops cancel ${o.first}\``,
        );
      taken = new Set(code.error.refs.map(idOf));
    }
    if (tries >= MAX_ID_CLAIMS)
      throw new UserError(
        `the sweep's commit ids are taken in the code or output repository`,
        `the first run (${o.first}) started; cancel it with \`mymlops cancel ${o.first}\` and commit again`,
      );
    pending = [];
    for (const [i, id] of ids.entries()) {
      if (!taken.has(id)) continue;
      const next = deps.reserveCommitId(secondAfter([...ids].sort().at(-1)!));
      deps.releaseCommitId(id);
      ids[i] = next;
      pending.push(next);
    }
  }
}
