// Committing a sweep: the first run goes through the ordinary commit (validation, the one
// snapshot, its push, its launch); every other run gets its own id and ref pointing at that same
// snapshot commit (one push) and is queued, with its plan, for the detached scheduler. The runs
// differ only in the parameters the job injects (job.json), so one snapshot serves them all.
import type { GitAuth } from '../ports/git.js';
import type { LaunchRecord } from '../ports/launch-record.js';
import type { GroupFile } from './group.js';
import type { Config } from '../../config/types.js';
import { type Result, UserError } from '../../errors.js';
import { type CommitDeps, type CommitOptions, type Started, startCommit } from '../commit/commit.js';
import { commitIdCandidates, snapshotRef } from '../commit/ids.js';
import { planCommit } from '../commit/plan.js';
import { groupIdFor, type RunParameters } from './expand.js';

export interface SweepDeps extends CommitDeps {
  reserveGroup(candidates: Iterable<string>): string;
  writeGroup(g: GroupFile): void;
  pushRefs(o: {
    root: string;
    url: string;
    sha: string;
    refs: string[];
    auth: GitAuth;
  }): Promise<Result<void, string>>;
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
    const root = await deps.repoRoot(deps.cwd);
    const auth = { deployKey: c.repository.deploy_key, sshOptions: o.sshOptions };
    const pushed = await deps.pushRefs({
      root: root!,
      url: c.repository.url,
      sha: first.sourceCommit,
      refs: rest.map(snapshotRef),
      auth,
    });
    if (!pushed.ok)
      throw new UserError(
        `could not push the sweep's snapshot refs to ${c.repository.url}: ${pushed.error}`,
        `the first run (${first.commitId}) started; cancel it with \`mymlops cancel ${first.commitId}\``,
      );
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
