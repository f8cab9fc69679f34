// The dashboard's /api/status while Compute Engine refuses calls over its rate limits (Google's 403
// rateLimitExceeded shape, from the simulator's fault switch): the page's poll waits the burst out
// and shows the running commit, with no warning — the machines were listed once the burst stopped.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { loadConfigFile } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { startCommit } from '../../../src/core/commit/commit.js';
import { startDashboard } from '../../../src/dashboard/server/start.js';
import { commitRepos, FAKE_COMMAND } from '../../helpers/git-repo.js';
import { type SimEnv, simConfigYaml, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-dash-rate-'));
const { origin, out, repo } = commitRepos(tmp);
const assets = join(tmp, 'assets');
const GO = join(tmp, 'go');
let s: SimEnv;
let cfg: Config;
const saved = { ...process.env };

before(async () => {
  s = await startSim(tmp);
  Object.assign(process.env, s.env);
  mkdirSync(assets);
  const gated = `/bin/bash -c 'for _ in $$(seq 600); do [ -e ${GO} ] && break; sleep 0.1; done'; ${FAKE_COMMAND}`;
  const file = join(repo, 'mymlops.yml');
  writeFileSync(file, simConfigYaml({ command: gated, origin, out }));
  cfg = loadConfigFile(file, { cwd: repo });
});
after(async () => {
  writeFileSync(GO, '');
  await s.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(tmp, { recursive: true, force: true });
});

interface ApiStatus {
  commits: { id: string; status: string }[];
  warnings: string[];
}

describe('dashboard under Compute Engine rate limits', () => {
  it('/api/status survives a burst of 403 rateLimitExceeded and shows the running commit', async () => {
    const started = await startCommit(
      cfg,
      {
        path: join(repo, 'notebooks', 'quick.ipynb'),
        notes: null,
        artifacts: false,
        keepMachine: false,
        instance: null,
        sshOptions: [],
      },
      { ...commitDeps(appContext(cfg, { home: s.home })), cwd: repo },
    );
    const dash = await startDashboard(appContext(cfg, { home: s.home }), {
      host: '127.0.0.1',
      port: 0,
      assetsDir: assets,
      notify: () => {},
    });
    try {
      await s.fault(null, 'RATE_LIMIT_EXCEEDED', { path: '/aggregated/instances', times: 3 });
      const res = await fetch(`${dash.url}api/status`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as ApiStatus;
      assert.equal(s.sim.compute.world.rateLimits[0]?.served, 3, 'the poll met the whole burst');
      assert.deepEqual(body.warnings, []);
      assert.equal(body.commits.find((c) => c.id === started.commitId)?.status, 'processing');
      writeFileSync(GO, '');
      await waitFor(
        async () =>
          (await dash.refresh()).commits.find((c) => c.id === started.commitId)?.status === 'succeeded',
        { what: 'the commit to succeed', timeoutMs: 60_000 },
      );
    } finally {
      await dash.close();
    }
  });
});
