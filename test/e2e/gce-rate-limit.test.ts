// Compute Engine refusing calls over its rate limits (403 rateLimitExceeded, 429 per-minute quota,
// in Google's shapes from the simulator's fault switch), with the built CLI: `commit`, `status` and
// `logs -f` ride out a burst and succeed once it stops; a burst longer than the retry budget is one
// line saying Compute Engine is rate-limiting, exit 75 — never a quota, never a permission.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/errors.js';
import { runCliAsync } from '../helpers/cli.js';
import { type SimEnv, simConfigYaml, startSim } from '../helpers/gce-sim.js';
import { commitRepos, commitWaitGo, FAKE_COMMAND, outputFile } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-e2e-gce-rate-'));
const { origin, out, repo } = commitRepos(tmp);
const GO = join(tmp, 'go');
let s: SimEnv;

before(async () => {
  s = await startSim(tmp);
  commitWaitGo(repo, GO);
  writeFileSync(join(repo, 'mymlops.yml'), simConfigYaml({ command: FAKE_COMMAND, origin, out }));
  writeFileSync(join(repo, 'gated.yml'), simConfigYaml({ command: '/bin/bash wait_go.sh', origin, out }));
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliAsync(args, { cwd: repo, env: { ...process.env, ...s.env, ...env } });

/** The next `times` calls whose path matches `path` (any, by default) are refused over a rate limit. */
const limit = (path: string, times: number | null, code = 'RATE_LIMIT_EXCEEDED', method = '*') =>
  s.fault(null, code, { path, method, ...(times === null ? {} : { times }) });
const refused = () => s.sim.compute.world.rateLimits.reduce((n, r) => n + r.served, 0);
const idOf = (text: string): string => /commit (\d{8}_\d{6})/.exec(text)![1]!;

describe('Compute Engine rate limits', () => {
  it('commit rides out 403 rateLimitExceeded and 429 per-minute quota answers on its lists and insert', async () => {
    await limit('/aggregated/machineTypes', 2);
    await limit('/aggregated/instances', 1, 'QUOTA_PER_MINUTE');
    await limit('/zones/[^/]+/instances$', 2, 'RATE_LIMIT_EXCEEDED', 'POST');
    const r = await cli(['commit', 'notebooks/quick.ipynb']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(refused(), 5, 'every refusal was met');
    assert.doesNotMatch(r.stderr, /quota|permission|skipping region/i);
    const id = idOf(r.stdout + r.stderr);
    const meta = JSON.parse(outputFile(out, `${id}/metadata.json`)) as {
      status: string;
      zones_tried?: unknown[];
    };
    assert.equal(meta.status, 'succeeded');
    await s.clearFaults();
  });

  it('status and logs -f ride out a burst and succeed once it stops', async () => {
    rmSync(GO, { force: true });
    const c = await cli(['--config', join(repo, 'gated.yml'), 'commit', 'notebooks/quick.ipynb', '--detach']);
    assert.equal(c.code, 0, c.stderr);
    const id = idOf(c.stdout);
    await limit('/aggregated/instances', 3);
    const st = await cli(['status', '--json']);
    assert.equal(st.code, 0, st.stderr);
    assert.ok(refused() >= 3);
    const row = (JSON.parse(st.stdout) as { commits: { id: string; status: string }[] }).commits.find(
      (x) => x.id === id,
    );
    assert.ok(row, st.stdout);
    assert.doesNotMatch(st.stderr, /rate-limiting|quota|permission/i);

    await s.clearFaults();
    await limit('/serialPort', 3);
    const follow = cli(['logs', id, '-f']);
    await waitFor(() => refused() >= 3, { what: 'the burst to meet logs -f' });
    writeFileSync(GO, '');
    const f = await follow;
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout + f.stderr, /succeeded/);
    await s.clearFaults();
  });

  it('a burst longer than the retry budget: one line (commit: exit 75), never quota or permission', async () => {
    const env = { MYMLOPS_GCE_RETRY_BUDGET_MS: '1500' };
    await limit('/aggregated/instances', null);
    // status shows what the output repository holds, with one warning line for the machines.
    const st = await cli(['status'], env);
    assert.equal(st.code, 0, st.stderr);
    const warned = st.stderr.trim().split('\n');
    assert.equal(warned.length, 1, st.stderr);
    assert.match(
      warned[0]!,
      /^mymlops: warning: could not list gce machines: Compute Engine is rate-limiting this project's API requests \(403 rateLimitExceeded\)/,
    );
    await s.clearFaults();

    await limit('/zones/[^/]+/instances$', null, 'QUOTA_PER_MINUTE', 'POST');
    const r = await cli(['commit', 'notebooks/quick.ipynb'], env);
    assert.equal(r.code, EXIT.unavailable, r.stderr);
    // The insert's outcome is said in one line with what to do (its launch record keeps zone and request).
    const last = r.stderr.trim().split('\n').at(-1)!;
    assert.match(
      last,
      /Compute Engine is rate-limiting this project's API requests \(429 rateLimitExceeded\) — /,
    );
    assert.doesNotMatch(r.stderr, /quota exceeded for|permission|skipping region|internal error|\n\s+at /i);
    await s.clearFaults();
  });
});
