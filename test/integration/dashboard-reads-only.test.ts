// GET routes only read: while a dev machine is past start.idle_shutdown.delete_after, polling every
// GET route of the dashboard (every GET entry of its route table, checked against the samples below)
// deletes nothing; the reconciler pass (the dashboard's own timer, here called explicitly) then
// deletes it once, says so and logs it.
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appContext } from '../../src/app/context.js';
import { withDevVms } from '../../src/app/dev/status.js';
import { assetsDir } from '../../src/app/dashboard/serve.js';
import { loadConfig } from '../../src/config/load.js';
import { snapshotRef } from '../../src/core/commit/ids.js';
import type { Machine } from '../../src/core/model.js';
import { devMachine } from '../helpers/machines.js';
import { type ComputeBackend, NO_CAPABILITIES, type WithDevMachines } from '../../src/core/ports/backend.js';
import { getRoutePatterns } from '../../src/dashboard/server/routes.js';
import { startDashboard } from '../../src/dashboard/server/start.js';
import { HOME } from '../../src/util/home-layout.js';
import { ensureBuilt } from '../helpers/cli.js';
import { bareRepo, git } from '../helpers/git-repo.js';
import { processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const ID = '20250401_100000';
const OTHER = '20250401_090000';
const nb = (text: string) => ({
  cells: [
    {
      cell_type: 'code',
      source: 'x',
      metadata: {},
      execution_count: 1,
      outputs: [{ output_type: 'display_data', data: { 'text/html': `<b>${text}</b>` }, metadata: {} }],
    },
  ],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
});

let repo: TestOutputRepo;
let dir: string;
let home: string;
const deleted: string[] = [];
const said: string[] = [];
let machines: Machine[];
let dash: Awaited<ReturnType<typeof startDashboard>>;

before(async () => {
  ensureBuilt();
  repo = new TestOutputRepo('master');
  repo.write({
    [`${ID}/exp.ipynb`]: nb('a'),
    [`${ID}/job.log`]: 'hello\n',
    [`${ID}/metadata.json`]: processingMetadata('exp.ipynb', 1, 1, { status: 'succeeded' }),
    [`${OTHER}/exp.ipynb`]: nb('b'),
    [`${OTHER}/metadata.json`]: processingMetadata('exp.ipynb', 1, 1, { status: 'succeeded' }),
  });
  dir = mkdtempSync(join(tmpdir(), 'mymlops-reads-only-'));
  home = join(dir, 'home');
  // A dev machine this computer started (its folder in the home), stopped two days ago.
  mkdirSync(join(home, 'dev', 'olddev'), { recursive: true });
  // The code repository holding the commit's snapshot, for the image route.
  const work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'x.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  git(work, 'init', '-q', '--initial-branch=master');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'snapshot');
  git(work, 'push', '-q', bareRepo(join(dir, 'repo.git')), `HEAD:${snapshotRef(ID)}`);
  machines = [
    devMachine({
      name: 'olddev',
      state: 'stopped',
      reason: 'idle',
      stoppedAt: new Date(Date.now() - 2 * 86400_000).toISOString(),
    }),
  ];
  writeFileSync(
    join(dir, 'mymlops.yml'),
    `backend: local
commit:
  command: python run.py
  repository: {url: ${JSON.stringify(join(dir, 'repo.git'))}}
  output_repository: {url: ${JSON.stringify(repo.bare)}}
start:
  command: "true"
  repository: {url: ${JSON.stringify(join(dir, 'repo.git'))}}
  idle_shutdown: {timeout: 10m, delete_after: 1d}
`,
  );
  const cfg = loadConfig({ file: join(dir, 'mymlops.yml'), cwd: dir, env: {} });
  const devMachines = {
    async deleteDev(name: string) {
      deleted.push(name);
      machines = machines.filter((m) => m.name !== name);
    },
  } as unknown as WithDevMachines;
  const backend = {
    kind: 'local',
    capabilities: { ...NO_CAPABILITIES, devMachines },
  } as unknown as ComputeBackend;
  dash = await startDashboard(appContext(cfg, { home }), {
    host: '127.0.0.1',
    port: 0,
    assetsDir: assetsDir(),
    overrides: { listMachines: async () => machines },
    wrapSources: (s) => withDevVms(s, cfg, home),
    autodown: { backend, home, deleteAfter: 86400 },
    notify: (l) => said.push(l),
    // The timer never fires during the test: only the explicit pass below acts.
    reconcileMs: 3_600_000,
  });
});

after(async () => {
  await dash?.close();
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('polling every GET route deletes nothing; the reconciler pass deletes the due machine once', async () => {
  // A sample path for each GET route of the server's table: a new GET route needs one here.
  const samples = [
    '/',
    ...readdirSync(assetsDir()).map((f) => `/${f}`),
    '/api/status',
    '/api/doctor',
    `/api/compare?ids=${ID},${OTHER}`,
    `/api/commits/${ID}/notebook`,
    `/api/commits/${ID}/log`,
    `/api/commits/${ID}/outputs/0/0`,
    `/api/commits/${ID}/files/exp.ipynb`,
    `/api/commits/${ID}/code?path=x.png`,
  ];
  const patterns = getRoutePatterns();
  for (const pattern of patterns)
    assert.ok(
      samples.some((p) => pattern.test(new URL(p, 'http://x').pathname)),
      `GET route ${pattern} has no sample path in this test`,
    );
  for (const p of samples)
    assert.ok(
      patterns.some((r) => r.test(new URL(p, 'http://x').pathname)),
      `${p} is no GET route of the table`,
    );
  const paths = [...samples, '/no/such/route'];
  for (let round = 0; round < 3; round++)
    for (const p of paths) {
      const r = await fetch(new URL(p, dash.url), { headers: { 'if-none-match': '"x"' } });
      await r.arrayBuffer();
      assert.ok(r.status < 500, `${p} answered ${r.status}`);
    }
  const status = (await (await fetch(new URL('/api/status', dash.url))).json()) as {
    dev_vms: { name: string; deletes_at?: string | null }[];
  };
  const row = status.dev_vms.find((d) => d.name === 'olddev');
  assert.ok(row, 'the due machine is still listed');
  assert.ok(row.deletes_at && Date.parse(row.deletes_at) <= Date.now(), 'shown as due');
  assert.deepEqual(deleted, [], 'no GET deleted anything');
  assert.equal(existsSync(HOME.devDeletedLog(home)), false);

  // Two passes at once (the timer and a start-up pass) delete it once.
  await Promise.all([dash.refresh(), dash.refresh()]);
  assert.deepEqual(deleted, ['olddev']);
  assert.match(
    readFileSync(HOME.devDeletedLog(home), 'utf8'),
    /deleted dev machine olddev: stopped since \S+Z/,
  );
  assert.ok(
    said.some((l) => /deleted dev machine olddev/.test(l)),
    said.join('\n'),
  );
  const after = (await (await fetch(new URL('/api/status', dash.url))).json()) as {
    dev_vms: { name: string }[];
  };
  assert.equal(
    after.dev_vms.find((d) => d.name === 'olddev'),
    undefined,
  );
});
