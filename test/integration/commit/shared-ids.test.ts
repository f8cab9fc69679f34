// Commit ids unique across homes and machines that share a repository: two projects (two homes)
// publishing to one output repository, and two machines sharing the code and output repositories,
// commit in the same second — each gets its own id and both results survive.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { claimOutputIds } from '../../../src/adapters/git/id-claim.js';
import { claimRefs } from '../../../src/adapters/git/push.js';
import { reserveGroup, writeGroup } from '../../../src/adapters/store/groups.js';
import { readResult } from '../../../src/adapters/store/jobs.js';
import { commitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { loadConfigFile } from '../../../src/config/load.js';
import { startCommit } from '../../../src/core/commit/commit.js';
import { startSweep } from '../../../src/core/sweep/start.js';
import { commitIdDate, idRef, secondAfter } from '../../../src/core/commit/ids.js';
import {
  bareRepo,
  FAKE_COMMAND,
  git,
  outputFile,
  outputFolders,
  snapshotRefs,
  userRepo,
  writeConfig,
} from '../../helpers/git-repo.js';
import { killCommitJobs } from '../../helpers/local-commit.js';
import { waitFor } from '../../helpers/wait.js';

process.env['MYMLOPS_PUBLISH_RETRY'] = '3';
const tmp = mkdtempSync(join(tmpdir(), 'mymlops-int-shared-ids-'));
const started: { id: string; home: string }[] = [];
after(() => {
  for (const { id, home } of started) killCommitJobs(home, [id]);
  rmSync(tmp, { recursive: true, force: true });
});

const logOf = (id: string, home: string) => readFileSync(join(home, 'jobs', id, 'job.log'), 'utf8');
const result = (id: string, home: string) =>
  waitFor(() => /job finished status=\w+\n$/.test(logOf(id, home)) && readResult(id, home), {
    what: `result of ${id}`,
    timeoutMs: 90_000,
  });

/** A project (its own repository and home) committing at `now` with `notes`. */
async function commitFrom(name: string, origin: string, out: string, now: Date, notes: string) {
  const repo = join(tmp, name, 'repo');
  const home = join(tmp, name, 'home');
  userRepo(repo);
  const config = loadConfigFile(
    writeConfig(repo, { command: FAKE_COMMAND, repository: origin, output: out }),
  );
  const deps = { ...commitDeps(appContext(config, { home })), cwd: repo, now: () => now };
  const opts = { path: 'notebooks/quick.ipynb', notes, artifacts: false, keepMachine: false };
  const s = await startCommit(config, { ...opts, instance: null, sshOptions: [] }, deps);
  started.push({ id: s.commitId, home });
  return { id: s.commitId, home };
}

async function bothSurvive(out: string, runs: { id: string; home: string }[], notes: string[]) {
  for (const r of runs) assert.equal((await result(r.id, r.home)).status, 'succeeded', logOf(r.id, r.home));
  for (const [i, r] of runs.entries())
    assert.equal((JSON.parse(outputFile(out, `${r.id}/metadata.json`)) as { notes: string }).notes, notes[i]);
  for (const r of runs) assert.ok(outputFolders(out).includes(r.id));
}

describe('commit ids shared repositories agree on', () => {
  it('two projects (two homes) publishing to one output repository in the same second', async () => {
    const out = bareRepo(join(tmp, 'shared-out.git'));
    const now = new Date();
    const a = await commitFrom('p1', bareRepo(join(tmp, 'p1-origin.git')), out, now, 'project one');
    const b = await commitFrom('p2', bareRepo(join(tmp, 'p2-origin.git')), out, now, 'project two');
    assert.notEqual(a.id, b.id);
    // The later one moved to the next free second; the output repository holds both claims.
    assert.ok(commitIdDate(b.id)!.getTime() >= secondAfter(a.id).getTime());
    assert.deepEqual(git(out, 'for-each-ref', '--format=%(refname)', 'refs/mymlops/ids/').split('\n'), [
      idRef(a.id),
      idRef(b.id),
    ]);
    await bothSurvive(out, [a, b], ['project one', 'project two']);
  });

  it('two machines sharing the code and output repositories in the same second', async () => {
    const origin = bareRepo(join(tmp, 'm-origin.git'));
    const out = bareRepo(join(tmp, 'm-out.git'));
    const now = new Date();
    const a = await commitFrom('m1', origin, out, now, 'machine one');
    const b = await commitFrom('m2', origin, out, now, 'machine two');
    assert.notEqual(a.id, b.id);
    const refs = snapshotRefs(origin);
    for (const r of [a, b]) assert.ok(refs.includes(`refs/mymlops/snapshots/${r.id}`), r.id);
    await bothSurvive(out, [a, b], ['machine one', 'machine two']);
  });

  it("a sweep's runs skip ids another project holds in the output repository", async () => {
    const out = bareRepo(join(tmp, 's-out.git'));
    const now = new Date();
    const later = (s: number) => new Date(now.getTime() + s * 1000);
    // Another project took the next two seconds' ids in the shared output repository.
    const others = [
      await commitFrom('s-o1', bareRepo(join(tmp, 's-o1.git')), out, later(1), 'other 1'),
      await commitFrom('s-o2', bareRepo(join(tmp, 's-o2.git')), out, later(2), 'other 2'),
    ].map((r) => r.id);
    const repo = join(tmp, 'sweep', 'repo');
    const home = join(tmp, 'sweep', 'home');
    userRepo(repo);
    const config = loadConfigFile(
      writeConfig(repo, {
        command: FAKE_COMMAND,
        repository: bareRepo(join(tmp, 's-origin.git')),
        output: out,
      }),
    );
    const deps = {
      ...commitDeps(appContext(config, { home })),
      cwd: repo,
      now: () => now,
      reserveGroup: (c: Iterable<string>) => reserveGroup(c, home),
      writeGroup: (g: Parameters<typeof writeGroup>[0]) => writeGroup(g, home),
      claimRefs,
      claimOutputIds,
    };
    const runs = [0, 1, 2].map((seed) => ({ values: { seed }, cell: `seed = ${seed}\n` }));
    const opts = { path: 'notebooks/quick.ipynb', notes: 'sweep', artifacts: false, keepMachine: false };
    const s = await startSweep(config, { ...opts, instance: null, sshOptions: [] }, runs, 1, deps);
    started.push({ id: s.first.commitId, home });
    assert.equal(new Set([...s.commits, ...others]).size, 5, `${s.commits} vs ${others}`);
    const claimed = git(out, 'for-each-ref', '--format=%(refname)', 'refs/mymlops/ids/').split('\n');
    for (const id of [...s.commits, ...others]) assert.ok(claimed.includes(idRef(id)), id);
    await result(s.first.commitId, home);
  });
});
