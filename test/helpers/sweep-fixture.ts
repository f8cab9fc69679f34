// Sweeps as the dashboard sees them, in a real output repository and MYMLOPS_HOME: a 2×3 sweep
// (lr × seed) of 6 runs — 4 succeeded, 1 failed, 1 still queued (a launch record only) — with a
// `score` metric per finished run; a larger sweep of 9 runs (more than the compare route takes);
// a commit whose parameters are named `valueOf`, `__proto__` and `constructor`; a plain commit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordLaunch } from '../../src/adapters/store/jobs.js';
import { TestOutputRepo } from './output-repo.js';

export const SWEEP = '20250601_090000g';
export const LRS = [0.001, 0.0003] as const;
/** Run i of the sweep: lr = LRS[i / 3], seed = i % 3; run 5 is queued. */
export const SWEEP_RUNS = Array.from({ length: 6 }, (_, i) => ({
  id: `20250601_09000${i}`,
  lr: LRS[Math.floor(i / 3)]!,
  seed: i % 3,
  status: i === 4 ? 'failed' : i === 5 ? 'queued' : 'succeeded',
  /** Distinct per run, so each point of the chart is one run. */
  score: i === 5 ? null : 0.7 + i / 50,
}));
export const BIG_SWEEP = '20250602_080000g';
export const BIG_RUNS = Array.from({ length: 9 }, (_, i) => `20250602_08000${i}`);
export const ODD = '20250603_100000';
export const PLAIN = '20250604_100000';

export interface SweepFixture {
  repo: TestOutputRepo;
  home: string;
  config: string;
}

export function sweepFixture(dir: string): SweepFixture {
  const repo = new TestOutputRepo('master');
  const home = join(dir, 'home');
  const meta = (id: string, extra: object) => ({
    artifacts: true,
    backend: 'local',
    branch: 'master',
    commit: id,
    notebook: 'train.ipynb',
    repository: join(dir, 'code.git'),
    status: 'succeeded',
    ...extra,
  });
  const files: Record<string, object> = {};
  for (const r of SWEEP_RUNS) {
    if (r.status === 'queued') continue;
    files[`${r.id}/metadata.json`] = meta(r.id, {
      notes: `sweep run ${r.id}`,
      status: r.status,
      group: SWEEP,
      parameters: { lr: r.lr, seed: r.seed },
      ...(r.status === 'failed' ? { message: 'the command exited with code 1' } : {}),
    });
    files[`${r.id}/artifacts/metrics.json`] = { score: r.score };
  }
  for (const [i, id] of BIG_RUNS.entries())
    files[`${id}/metadata.json`] = meta(id, {
      notes: 'big sweep',
      group: BIG_SWEEP,
      parameters: { depth: i },
    });
  // Parsed, not written as a literal: a literal `__proto__` key would set the prototype instead.
  const odd = JSON.parse('{"valueOf": 3, "__proto__": "p", "constructor": "c", "toString": [1]}');
  files[`${ODD}/metadata.json`] = meta(ODD, { notes: 'odd names', parameters: odd });
  files[`${PLAIN}/metadata.json`] = meta(PLAIN, { notes: 'no parameters' });
  // A result is a folder with its notebook (as the original tool reads the branch).
  for (const key of Object.keys(files))
    if (key.endsWith('/metadata.json'))
      files[`${key.slice(0, -'metadata.json'.length)}train.ipynb`] = {
        cells: [],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      };
  repo.write(files);
  const queued = SWEEP_RUNS[5]!;
  recordLaunch(
    {
      commit: queued.id,
      backend: 'local',
      machine: `job-${queued.id}`,
      zone: null,
      notebook: 'train.ipynb',
      notes: `sweep run ${queued.id}`,
      repository: { url: join(dir, 'code.git'), branch: 'master' },
      output_repository: { url: repo.bare, branch: 'master' },
      source_commit: '',
      attempt: 1,
      created_at: new Date().toISOString(),
      parameters: { values: { lr: queued.lr, seed: queued.seed }, cell: '' },
      group: SWEEP,
      queued: true,
    },
    home,
  );
  const config = join(dir, 'mymlops.yml');
  writeFileSync(
    config,
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${join(dir, 'code.git')}\n  output_repository:\n    url: ${repo.bare}\n`,
  );
  return { repo, home, config };
}
