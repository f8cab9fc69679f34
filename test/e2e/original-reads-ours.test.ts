// The original tool reads what mymlops writes (built CLI, local backend): one commit per final state
// lands on the output branch, and the original's rule (test/helpers/original-rule.ts: a folder with
// a notebook is a result, failed iff a cell has an error output) shows F for every one that did not
// succeed — while mymlops itself keeps telling them apart.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { commitJobPid, killCommitJobs } from '../helpers/local-commit.js';
import { bareRepo, FAKE_COMMAND, outputFolders, userRepo, writeConfig } from '../helpers/git-repo.js';
import { originalDashboard } from '../helpers/original-rule.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-orig-'));
const home = join(tmp, 'home');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const env = { MYMLOPS_HOME: home };
const started: string[] = [];
after(() => {
  killCommitJobs(home, started);
  rmSync(tmp, { recursive: true, force: true });
});

/** A config beside the repository running `command` (the repository's own one is the fake runner). */
function config(
  name: string,
  command: string,
  extra: Partial<Parameters<typeof writeConfig>[1]> = {},
): string {
  const dir = join(tmp, name);
  const origin = join(tmp, 'origin.git');
  writeConfig(repo, { command, repository: origin, output: out, ...extra });
  const file = join(repo, 'mymlops.yml');
  const text = readFileSync(file, 'utf8');
  rmSync(file);
  writeFileSync(`${dir}.yml`, text);
  return `${dir}.yml`;
}

const idOf = (text: string): string => /commit (\d{8}_\d{6}(?:_\d+)?)/.exec(text)![1]!;

/** Runs a commit to its end; returns its id. */
function commit(cfg: string, notebook: string, code: number): string {
  const r = runCli(['-c', cfg, 'commit', notebook], { cwd: repo, env });
  assert.equal(r.code, code, `${r.stderr}\n--- stdout\n${r.stdout}`);
  return idOf(r.stderr + r.stdout);
}

/** A detached slow commit whose command is running. */
async function running(cfg: string): Promise<string> {
  const r = runCli(['-c', cfg, 'commit', 'notebooks/slow.ipynb', '--detach'], { cwd: repo, env });
  assert.equal(r.code, 0, r.stderr);
  const id = idOf(r.stdout);
  started.push(id);
  await waitFor(
    () => runCli(['-c', cfg, 'logs', id], { cwd: repo, env }).stdout.includes('mymlops: running:'),
    {
      what: `commit ${id}'s command to start`,
      intervalMs: 200,
    },
  );
  return id;
}

const want: Record<string, { ours: string; original: 'S' | 'F' }> = {};
let cfg: Record<string, string>;

before(() => {
  bareRepo(out);
  bareRepo(join(tmp, 'origin.git'));
  userRepo(repo);
  cfg = {
    fake: config('fake', FAKE_COMMAND),
    exit1: config('exit1', 'false'),
    untouched: config('untouched', 'true'),
    removed: config('removed', 'rm -f'),
    timeout: config('timeout', FAKE_COMMAND, { maxDuration: 1 }),
  };
});

test('every final state lands as a folder the original reads as F, success alone as S', async () => {
  want[commit(cfg.fake!, 'notebooks/quick.ipynb', 0)] = { ours: 'succeeded', original: 'S' };
  want[commit(cfg.fake!, 'notebooks/fail.ipynb', 1)] = { ours: 'failed', original: 'F' };
  want[commit(cfg.exit1!, 'notebooks/quick.ipynb', 1)] = { ours: 'failed', original: 'F' };
  want[commit(cfg.untouched!, 'notebooks/quick.ipynb', 1)] = { ours: 'failed', original: 'F' };
  want[commit(cfg.removed!, 'notebooks/quick.ipynb', 1)] = { ours: 'failed', original: 'F' };
  want[commit(cfg.timeout!, 'notebooks/slow.ipynb', 1)] = { ours: 'failed', original: 'F' };
  // Cancelled while running.
  const cancelled = await running(cfg.fake!);
  const c = runCli(['-c', cfg.fake!, 'cancel', cancelled], { cwd: repo, env });
  assert.equal(c.code, 0, c.stderr);
  want[cancelled] = { ours: 'cancelled', original: 'F' };
  // Stopped by a shutdown of the machine (the job gets SIGTERM without a cancel request).
  const stopped = await running(cfg.fake!);
  process.kill(-commitJobPid(home, stopped), 'SIGTERM');
  want[stopped] = { ours: 'stopped', original: 'F' };
  await waitFor(() => [cancelled, stopped].every((id) => outputFolders(out).includes(id)), {
    what: 'the cancelled and the stopped commit to be pushed',
    timeoutMs: 60_000,
    intervalMs: 200,
  });

  const original = originalDashboard(out);
  assert.deepEqual(
    Object.fromEntries(Object.keys(want).map((id) => [id, original[id]])),
    Object.fromEntries(Object.entries(want).map(([id, w]) => [id, w.original])),
    'what the original dashboard shows',
  );
  assert.deepEqual(Object.keys(original).sort(), outputFolders(out).sort(), 'every folder is a result to it');
  // mymlops still tells them apart (and adds no invented cell error to a cancelled one).
  await waitFor(
    () => {
      const s = runCli(['-c', cfg.fake!, 'status', '--json'], { cwd: repo, env });
      const rows = JSON.parse(s.stdout).commits as { id: string; status: string; error: unknown }[];
      return (
        Object.entries(want).every(([id, w]) => rows.find((r) => r.id === id)?.status === w.ours) && rows
      );
    },
    { what: 'mymlops status to show every final state', intervalMs: 500, timeoutMs: 20_000 },
  ).then((rows) => assert.equal(rows.find((r) => r.id === cancelled)?.error, null));
});
