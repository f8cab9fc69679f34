// statusService (src/app/status/service.ts) as each caller assembles it, against a real output
// repository: what differs between callers is named by an option, and each option does what the
// caller relied on before there was one place to build it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appContext } from '../../src/app/context.js';
import { type StatusServiceOptions, statusService } from '../../src/app/status/service.js';
import { loadConfig } from '../../src/config/load.js';
import { devMachine } from '../helpers/machines.js';
import { processingMetadata, TestOutputRepo } from '../helpers/output-repo.js';

const ID = '20250401_100000';
let repo: TestOutputRepo;
let dir: string;

before(() => {
  repo = new TestOutputRepo('master');
  repo.write({
    [`${ID}/exp.ipynb`]: { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 },
    [`${ID}/metadata.json`]: processingMetadata('exp.ipynb', 1, 1, { status: 'succeeded' }),
  });
  dir = mkdtempSync(join(tmpdir(), 'mymlops-status-assembly-'));
});
after(() => {
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function context(name: string, outputUrl: string) {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${join(dir, 'code.git')}\n  output_repository:\n    url: ${outputUrl}\n`,
  );
  return appContext(loadConfig({ file, cwd: dir, env: {} }), { home: join(dir, `home-${name}`) });
}

const machine = devMachine({ name: 'mymlops-dev-x' });
/** What the wrap saw: the service lists machines through it. */
const wrapped: string[] = [];

interface Row {
  caller: string;
  opts: StatusServiceOptions;
  reachable: boolean;
  want: { ids?: string[]; error?: RegExp; warning?: RegExp; machines?: number };
}

const ROWS: Row[] = [
  {
    caller: 'status, compare, prune, budget',
    opts: { failWhenUnreachable: true },
    reachable: true,
    want: { ids: [ID] },
  },
  {
    caller: 'status, compare, prune, budget: no output repository',
    opts: { failWhenUnreachable: true },
    reachable: false,
    want: { error: /cannot fetch the output repository/ },
  },
  {
    caller: 'dashboard, retry: no output repository',
    opts: { failWhenUnreachable: false },
    reachable: false,
    want: { ids: [], warning: /could not fetch the output repository/ },
  },
  {
    caller: 'dashboard with a fixed machine list and dev-VM details',
    opts: {
      failWhenUnreachable: false,
      overrides: { listMachines: async () => [machine] },
      wrap: (s) => ({
        ...s,
        listMachines: async () => {
          wrapped.push('listed');
          return s.listMachines();
        },
      }),
    },
    reachable: true,
    want: { ids: [ID], machines: 1 },
  },
];

describe('statusService: one assembly, options for what differs', () => {
  for (const [i, r] of ROWS.entries())
    it(r.caller, async () => {
      const ctx = context(`c${i}`, r.reachable ? repo.bare : join(dir, 'missing.git'));
      const { service, sources, index } = statusService(ctx, r.opts);
      assert.equal(index.spec.url, r.reachable ? repo.bare : join(dir, 'missing.git'));
      if (r.want.error) {
        await assert.rejects(service.snapshot(), r.want.error);
        return;
      }
      const snap = await service.snapshot();
      assert.deepEqual(
        snap.commits.map((c) => c.id),
        r.want.ids,
      );
      if (r.want.warning)
        assert.ok(
          snap.warnings.some((w) => r.want.warning!.test(w)),
          String(snap.warnings),
        );
      // `sources` is what the reconciler lists with: the overrides, never the wrap.
      if (r.want.machines !== undefined) {
        assert.deepEqual(wrapped, ['listed']);
        assert.equal((await sources.listMachines()).length, r.want.machines);
        assert.deepEqual(wrapped, ['listed']);
      }
    });
});
