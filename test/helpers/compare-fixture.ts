// Two commits worth comparing, as real repositories: an output repository with their executed
// notebooks (sources, outputs and execution counts differ), metrics and metadata.json naming their
// snapshots, and a code repository holding those snapshots at refs/mymlops/snapshots/<id>.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeRepoWithSnapshots } from './code-repo.js';
import { TestOutputRepo } from './output-repo.js';

export const CMP_A = '20250301_100000';
export const CMP_B = '20250302_100000';
/** A 1×1 PNG. */
export const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const code = (source: string, count: number, outputs: object[]) => ({
  cell_type: 'code',
  execution_count: count,
  id: `c${count}`,
  metadata: {},
  outputs,
  source,
});
const md = (source: string) => ({ cell_type: 'markdown', id: `m${source.length}`, metadata: {}, source });

export function compareNotebook(lr: string, extraMarkdown: string | null, count0: number): object {
  const cells = [
    md('# Training'),
    code(`lr = ${lr}\nepochs = 3`, count0, []),
    ...(extraMarkdown ? [md(extraMarkdown)] : []),
    code(`print('auc', fit(lr))`, count0 + 1, [
      { name: 'stdout', output_type: 'stream', text: `auc for lr ${lr}\n` },
      {
        data: { 'image/png': TINY_PNG, 'text/plain': ['<Figure>'] },
        metadata: {},
        output_type: 'display_data',
      },
    ]),
  ];
  return {
    cells,
    metadata: { kernelspec: { language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export interface CompareFixture {
  repo: TestOutputRepo;
  codeBare: string;
  shas: Record<string, string>;
  /** A mymlops.yml for the local backend naming both repositories. */
  config: string;
}

export function compareFixture(dir: string): CompareFixture {
  const { bare, shas } = codeRepoWithSnapshots(dir, [
    { id: CMP_A, files: { 'src/model.py': 'def fit(lr):\n    return 0.8\n', 'nb/train.ipynb': '{}\n' } },
    {
      id: CMP_B,
      files: {
        'src/model.py': 'def fit(lr):\n    return 0.9  # better features\n',
        'nb/train.ipynb': '{"x": 1}\n',
      },
    },
  ]);
  const repo = new TestOutputRepo('master');
  const meta = (id: string, notes: string, extra: object) => ({
    accelerator: null,
    artifacts: true,
    attempt: 1,
    backend: 'local',
    branch: 'master',
    commit: id,
    duration_seconds: 600,
    finished_at: '2025-03-01T10:10:00Z',
    notebook: 'train.ipynb',
    notebook_path: 'nb/train.ipynb',
    notes,
    repository: bare,
    source_commit: shas[id],
    started_at: '2025-03-01T10:00:00Z',
    status: 'succeeded',
    ...extra,
  });
  repo.write({
    [`${CMP_A}/train.ipynb`]: compareNotebook('0.1', null, 1),
    [`${CMP_A}/metadata.json`]: meta(CMP_A, 'baseline lr=0.1', {
      zone: 'us-central1-a',
      machine_type: 'n1-standard-4',
    }),
    [`${CMP_A}/artifacts/metrics.json`]: { auc: 0.8, val_loss: 0.5 },
    [`${CMP_B}/train.ipynb`]: compareNotebook('0.05', 'Lower learning rate this time.', 5),
    [`${CMP_B}/metadata.json`]: meta(CMP_B, 'lr=0.05 better features', {
      zone: 'europe-west4-b',
      machine_type: 'n1-standard-8',
    }),
    [`${CMP_B}/artifacts/metrics.json`]: { auc: 0.9, val_loss: 0.4 },
  });
  const config = join(dir, 'mymlops.yml');
  writeFileSync(
    config,
    `backend: local\ncommit:\n  command: python run.py\n  repository:\n    url: ${bare}\n  output_repository:\n    url: ${repo.bare}\n`,
  );
  return { repo, codeBare: bare, shas, config };
}
