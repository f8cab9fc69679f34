// commit.retry.preempted while the dashboard watches, against the Compute Engine simulator: a
// preempted commit is relaunched once by a status refresh (attempt 2, another zone first), a second
// refresh or another dashboard does not relaunch it again, and a `commit` follower hands over to it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLaunch, retryClaims } from '../../../src/adapters/store/jobs.js';
import { loadConfigFile } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { commitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { startCommit } from '../../../src/core/commit/commit.js';
import { startDashboard } from '../../../src/dashboard/server/start.js';
import { type SimEnv, simConfigYaml, startSim } from '../../helpers/gce-sim.js';
import { waitFor } from '../../helpers/wait.js';
import { commitRepos, FAKE_COMMAND } from '../../helpers/git-repo.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-gce-dash-retry-'));
const { origin, out, repo } = commitRepos(tmp);
const assets = join(tmp, 'assets');
let s: SimEnv;
let cfg: Config;
const saved = { ...process.env };

// Attempt 1 sleeps (room to preempt it); later attempts run at once.
const SLOW_FIRST = `/usr/bin/python3 -c 'import json,os,time; j=json.load(open(os.environ["MYMLOPS_JOB_DIR"]+"/job.json")); time.sleep(60 if j["metadata"]["attempt"] == 1 else 0)'; ${FAKE_COMMAND}`;

before(async () => {
  s = await startSim(tmp);
  Object.assign(process.env, s.env);
  mkdirSync(assets);
  const file = join(repo, 'mymlops.yml');
  writeFileSync(
    file,
    simConfigYaml({
      command: SLOW_FIRST,
      origin,
      out,
      accelerator: 'nvidia-tesla-t4',
      extra: '  retry:\n    preempted: 1\n',
    }),
  );
  cfg = loadConfigFile(file, { cwd: repo });
});
after(async () => {
  await s.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(tmp, { recursive: true, force: true });
});

describe('automatic retry while the dashboard watches', () => {
  it('relaunches a preempted commit once, however many refreshes and dashboards', async () => {
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
    const id = started.commitId;
    const first = started.machine;
    const lines: string[] = [];
    const ctx = appContext(cfg, { home: s.home });
    const opts = { host: '127.0.0.1', port: 0, assetsDir: assets, reconcileMs: 3_600_000 };
    const a = await startDashboard(ctx, { ...opts, notify: (l) => lines.push(`a: ${l}`) });
    const b = await startDashboard(appContext(cfg, { home: s.home }), {
      ...opts,
      notify: (l) => lines.push(`b: ${l}`),
    });
    try {
      // Running: a refresh relaunches nothing.
      await waitFor(
        async () => (await a.refresh()).commits.find((c) => c.id === id)?.status === 'processing',
        { what: 'the first attempt to run' },
      );
      assert.deepEqual(retryClaims(id, s.home), []);

      await s.preempt(first.name);
      await waitFor(
        async () => {
          const row = (await a.refresh()).commits.find((c) => c.id === id);
          return row?.status === 'stopped' && row.reason === 'preempted';
        },
        { what: 'the preemption to show' },
      );
      // Both dashboards (and a page poll over HTTP) refresh while the relaunch is in flight.
      await Promise.all([b.refresh(), fetch(`${a.url}api/status`).then((r) => r.text())]);
      await Promise.all([a.retries?.idle(), b.retries?.idle()]);

      const rec = readLaunch(id, s.home);
      assert.ok(rec);
      assert.equal(rec.attempt, 2);
      assert.equal(rec.machine, `${first.name}-a2`);
      assert.notEqual(rec.zone, first.zone, 'another zone first');
      assert.deepEqual(retryClaims(id, s.home), [first.name]);
      const relaunches = lines.filter((l) => /was preempted — relaunching commit/.test(l));
      assert.equal(relaunches.length, 1, lines.join('\n'));
      assert.match(
        relaunches[0]!,
        new RegExp(`${first.name} was preempted — relaunching commit ${id} \\(retry 1 of 1\\)`),
      );
      assert.ok(
        lines.some((l) => l.includes(`attempt 2 running on ${first.name}-a2`)),
        lines.join('\n'),
      );

      // Later refreshes launch nothing more: one insert for attempt 2, whatever happens to it.
      const inserts = () =>
        s.sim.compute.world.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/instances'))
          .length;
      const before = inserts();
      await a.refresh();
      await b.refresh();
      await Promise.all([a.retries?.idle(), b.retries?.idle()]);
      assert.equal(inserts(), before);
      assert.equal(readLaunch(id, s.home)?.attempt, 2);
      assert.ok(existsSync(join(s.home, 'jobs', id, `retried-${first.name}.json`)));
      // Attempt 2 runs at once and lands; no third attempt is made for it.
      await waitFor(
        async () => (await a.refresh()).commits.find((c) => c.id === id)?.status === 'succeeded',
        { what: 'attempt 2 to succeed', timeoutMs: 60_000 },
      );
      assert.equal(readLaunch(id, s.home)?.attempt, 2);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
