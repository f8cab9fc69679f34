// What a cold `status` downloads from the output repository: 100 results of 3 MB (a 1 MB notebook,
// a 100 KB job.log, a 1.9 MB artifact) in a generated repository served by git's own upload-pack.
// Side by side: today's partial mirror (trees + metadata.json blobs) and the full shallow fetch a
// server without filter support gets (the mirror before it was partial). Targets: cold status
// fetches ≤ 2 MB in ≤ 1 s; opening one notebook afterwards fetches that notebook only.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputRepoIndex } from '../src/adapters/output-repo/index.js';
import { mergeStatus } from '../src/core/status/merge.js';
import { git } from '../test/helpers/git-repo.js';
import { printTable } from './_shared.js';

const RESULTS = 100;
const ROOT = join(tmpdir(), 'mymlops-bench-output-fetch-v2');

const id = (i: number) =>
  `20250101_${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}00`;

function build(): string {
  const bare = join(ROOT, 'output.git');
  if (existsSync(join(ROOT, 'ready'))) return bare;
  rmSync(ROOT, { recursive: true, force: true });
  const work = join(ROOT, 'work');
  mkdirSync(work, { recursive: true });
  process.stdout.write(`building a ${RESULTS} × 3 MB output repository in ${ROOT} (once)…\n`);
  git(ROOT, 'init', '-q', '--bare', bare);
  git(ROOT, 'init', '-q', '--initial-branch=main', work);
  for (let i = 0; i < RESULTS; i++) {
    const d = join(work, id(i));
    mkdirSync(join(d, 'artifacts'), { recursive: true });
    const png = randomBytes(750 * 1024).toString('base64'); // ~1 MB of plot data, as notebooks carry
    writeFileSync(
      join(d, 'run.ipynb'),
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            execution_count: 1,
            id: 'a',
            metadata: {},
            outputs: [{ data: { 'image/png': png }, metadata: {}, output_type: 'display_data' }],
            source: 'plot()',
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    );
    writeFileSync(join(d, 'job.log'), randomBytes(75 * 1024).toString('base64'));
    writeFileSync(join(d, 'artifacts', 'model.bin'), randomBytes(1900 * 1024));
    writeFileSync(
      join(d, 'metadata.json'),
      JSON.stringify(
        {
          status: 'succeeded',
          notebook: 'run.ipynb',
          commit: 'abc',
          branch: 'main',
          notes: `run ${i}`,
          started_at: '2025-01-01T00:00:00Z',
          finished_at: '2025-01-01T00:01:00Z',
        },
        null,
        2,
      ),
    );
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'results');
  git(work, 'push', '-q', bare, 'HEAD:refs/heads/main');
  rmSync(work, { recursive: true, force: true });
  writeFileSync(join(ROOT, 'ready'), '');
  return bare;
}

/** Bytes under a git directory's objects/ (what was downloaded into it). */
function objectBytes(gitDir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else n += statSync(p).size;
    }
  };
  walk(join(gitDir, 'objects'));
  return n;
}

async function coldStatus(bare: string): Promise<{ ms: number; bytes: number; index: OutputRepoIndex }> {
  const home = mkdtempSync(join(tmpdir(), 'mymlops-bench-home-'));
  const index = new OutputRepoIndex(home, { url: bare, branch: 'main' });
  const t = process.hrtime.bigint();
  const snap = await index.refresh({ fetchMinIntervalMs: 0 });
  const rows = mergeStatus({
    records: snap.records,
    machines: [],
    launches: [],
    backend: 'local',
    now: new Date(),
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (rows.length !== RESULTS || rows.some((r) => r.status !== 'succeeded'))
    throw new Error(`status disagrees: ${rows.length} rows`);
  return { ms, bytes: objectBytes(index.mirror.gitDir), index };
}

export async function run(): Promise<void> {
  const bare = build();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
  const homes: string[] = [];
  try {
    git(bare, 'config', 'uploadpack.allowFilter', 'false');
    const full = await coldStatus(bare);
    git(bare, 'config', 'uploadpack.allowFilter', 'true');
    const partial = await coldStatus(bare);
    homes.push(full.index.home, partial.index.home);
    const nbBlob = Number(git(bare, 'cat-file', '-s', `main:${id(7)}/run.ipynb`));
    const before = objectBytes(partial.index.mirror.gitDir);
    const t = process.hrtime.bigint();
    const nb = await partial.index.readFile(id(7), 'run.ipynb');
    const openMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (nb?.length !== nbBlob) throw new Error('the notebook read back differs');
    const opened = objectBytes(partial.index.mirror.gitDir) - before;
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    const table = [
      ['figure', 'partial mirror', 'target', 'full fetch (no filter)'],
      ['cold status: downloaded', mb(partial.bytes), '≤ 2.00 MB', mb(full.bytes)],
      ['cold status: time', f(partial.ms), '≤ 1000 ms', f(full.ms)],
      ['then open one notebook: downloaded', mb(opened), `≈ ${mb(nbBlob)} (that notebook)`, '0 (had all)'],
      ['then open one notebook: time', f(openMs), '–', '–'],
    ];
    printTable(table);
    process.stdout.write(`(${RESULTS} results × 3 MB; downloaded = size of the mirror's objects/)\n`);
    // The notebook is random data: its pack entry is about its own size, never another file's.
    const ok = partial.bytes <= 2 * 2 ** 20 && partial.ms <= 1000 && opened < nbBlob * 1.1;
    process.stdout.write(`targets ${ok ? 'met' : 'NOT met'}\n`);
  } finally {
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  }
}
