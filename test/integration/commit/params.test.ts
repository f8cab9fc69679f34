// Parameters on the local backend with the real nbclient runner: `-p lr=0.1` is injected after the
// cell tagged `parameters`, the executed notebook prints the injected value, and metadata.json
// records it; a notebook without a `parameters` cell gets the injected cell first.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResult } from '../../../src/adapters/store/jobs.js';
import { commitDeps as appCommitDeps } from '../../../src/app/commit/deps.js';
import { appContext } from '../../../src/app/context.js';
import { loadConfigFile } from '../../../src/config/load.js';
import type { Config } from '../../../src/config/types.js';
import { startCommit } from '../../../src/core/commit/commit.js';
import { parseParameterOption } from '../../../src/core/params/parse.js';
import { expand } from '../../../src/core/sweep/expand.js';
import { bareRepo, git, outputFile, REAL_COMMAND, userRepo, writeConfig } from '../../helpers/git-repo.js';
import { waitFor } from '../../helpers/wait.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-int-params-'));
const home = join(tmp, 'home');
const origin = join(tmp, 'origin.git');
const out = join(tmp, 'out.git');
const repo = join(tmp, 'repo');
const started: string[] = [];
const commitDeps = (config: Config, h: string) => appCommitDeps(appContext(config, { home: h }));

const cell = (source: string, tags: string[] = []) => ({
  cell_type: 'code',
  id: `c${Math.random().toString(16).slice(2, 10)}`,
  metadata: tags.length ? { tags } : {},
  source,
  outputs: [],
  execution_count: null,
});
const notebook = (cells: unknown[]) =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' } },
    cells,
  });

before(() => {
  bareRepo(origin);
  bareRepo(out);
  userRepo(repo);
  writeFileSync(
    join(repo, 'notebooks', 'train.ipynb'),
    notebook([
      cell('import sys'),
      cell('lr = 1.0\nname = "default"', ['parameters']),
      cell('print("lr is", lr, name)'),
    ]),
  );
  writeFileSync(join(repo, 'notebooks', 'untagged.ipynb'), notebook([cell('print("seed", seed)')]));
  writeFileSync(
    join(repo, 'notebooks', 'injected.ipynb'),
    notebook([
      cell('seed = 1', ['parameters']),
      cell('seed = 2', ['injected-parameters']),
      cell('print(seed)'),
    ]),
  );
  writeFileSync(join(repo, 'notebooks', 'long.ipynb'), notebook([cell('import time\ntime.sleep(60)')]));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'notebooks');
});

after(async () => {
  for (const id of started) {
    try {
      process.kill(-Number(readFileSync(join(home, 'jobs', id, 'pid'), 'utf8')), 'SIGKILL');
    } catch {}
  }
  rmSync(tmp, { recursive: true, force: true });
});

const logOf = (id: string) => readFileSync(join(home, 'jobs', id, 'job.log'), 'utf8');
const result = (id: string) =>
  waitFor(() => /job finished status=\w+\n$/.test(logOf(id)) && readResult(id, home), {
    what: `result of ${id}`,
    timeoutMs: 120_000,
    detail: () => logOf(id),
  });

async function commitWith(path: string, ...params: string[]) {
  const dir = join(tmp, 'cfg');
  git(tmp, 'init', '-q', dir);
  const config = loadConfigFile(writeConfig(dir, { command: REAL_COMMAND, repository: origin, output: out }));
  const [run] = expand(params.map(parseParameterOption));
  const s = await startCommit(
    config,
    {
      path,
      notes: null,
      artifacts: false,
      keepMachine: false,
      instance: null,
      sshOptions: [],
      parameters: run,
    },
    { ...commitDeps(config, home), cwd: repo },
  );
  started.push(s.commitId);
  const r = await result(s.commitId);
  assert.equal(r.status, 'succeeded', `${r.message}\n${logOf(s.commitId)}`);
  const nb = JSON.parse(outputFile(out, `${s.commitId}/${path.split('/').pop()}`)) as {
    cells: {
      source: string | string[];
      metadata: { tags?: string[] };
      outputs: { text?: string | string[] }[];
    }[];
  };
  const meta = JSON.parse(outputFile(out, `${s.commitId}/metadata.json`)) as Record<string, unknown>;
  const text = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join('') : (v ?? ''));
  return {
    tags: nb.cells.map((c) => c.metadata.tags ?? []),
    sources: nb.cells.map((c) => text(c.source)),
    printed: nb.cells.map((c) => c.outputs.map((o) => text(o.text)).join('')),
    meta,
  };
}

describe('commit -p on the local backend', () => {
  it('injects after the parameters cell; the executed notebook and metadata.json record the values', async () => {
    const r = await commitWith('notebooks/train.ipynb', 'lr=0.1', 'name=it\'s "x"');
    assert.deepEqual(r.tags, [[], ['parameters'], ['injected-parameters'], []]);
    assert.equal(r.sources[2], '# Parameters\nlr = 0.1\nname = "it\'s \\"x\\""\n');
    assert.equal(r.printed[3], 'lr is 0.1 it\'s "x"\n');
    assert.deepEqual(r.meta['parameters'], { lr: 0.1, name: 'it\'s "x"' });
  });

  it('puts the cell first when no cell is tagged parameters', async () => {
    const r = await commitWith('notebooks/untagged.ipynb', 'seed=7');
    assert.deepEqual(r.tags, [['injected-parameters'], []]);
    assert.equal(r.printed[1], 'seed 7\n');
  });

  it('replaces a cell already tagged injected-parameters (papermill re-run)', async () => {
    const r = await commitWith('notebooks/injected.ipynb', 'seed=3');
    assert.deepEqual(r.tags, [['parameters'], ['injected-parameters'], []]);
    assert.equal(r.sources[1], '# Parameters\nseed = 3\n');
    assert.equal(r.printed[2], '3\n');
  });
});

describe('commit.max_cost_usd', () => {
  it('stops the job once hourly price × elapsed time reaches the cap', async () => {
    const dir = join(tmp, 'cfg-cap');
    git(tmp, 'init', '-q', dir);
    const config = loadConfigFile(
      writeConfig(dir, {
        command: REAL_COMMAND,
        repository: origin,
        output: out,
        extra: '  max_cost_usd: 2\n',
      }),
    );
    const deps = { ...commitDeps(config, home), cwd: repo };
    const real = deps.backend();
    // The local backend has no price: this one charges $3600 an hour, so $2 lasts 2 s.
    const priced = Object.assign(Object.create(real) as typeof real, {
      prepareAttempt: (...[plan, at]: Parameters<typeof real.prepareAttempt>) => {
        if (plan.kind === 'commit') plan.jobConfig.machine.hourly_usd = 3600;
        return real.prepareAttempt(plan, at);
      },
    });
    const s = await startCommit(
      config,
      {
        path: 'notebooks/long.ipynb',
        notes: null,
        artifacts: false,
        keepMachine: false,
        instance: null,
        sshOptions: [],
      },
      { ...deps, backend: () => priced },
    );
    started.push(s.commitId);
    const r = await result(s.commitId);
    assert.equal(r.status, 'failed');
    assert.equal(r.message, 'cost cap $2 reached after 2s');
    assert.match(logOf(s.commitId), /mymlops: cost cap \$2 reached after 2s: stopping the command/);
    const meta = JSON.parse(outputFile(out, `${s.commitId}/metadata.json`)) as {
      message: string;
      cost: { amount_usd: number };
    };
    assert.equal(meta.message, 'cost cap $2 reached after 2s');
    assert.ok(meta.cost.amount_usd >= 2, `cost ${meta.cost.amount_usd}`);
  });
});
