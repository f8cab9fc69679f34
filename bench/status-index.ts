// Status index vs the original's refresh (re-read and parse every notebook), on 1000 commits of
// ~200 KB notebooks in a real git output repository. Targets: warm refresh ≤ 20 ms; cold build no
// slower than a plain re-read.
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
import { OutputRepoIndex } from '../src/adapters/output-repo/index.js';
import { mergeStatus } from '../src/core/status/merge.js';
import { git } from '../test/helpers/git-repo.js';
import { printTable } from './_shared.js';

const COMMITS = 1000;
const NOTEBOOK_BYTES = 200 * 1024;
const ROOT = join(tmpdir(), 'mymlops-bench-status-v1');

function id(i: number): string {
  const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}_${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`;
}

function notebook(i: number): string {
  // Mostly image data, like real notebooks; every 10th one failed (the original's only signal).
  let seed = i + 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const chunk = Array.from({ length: 4096 }, () => alphabet[rnd() % 64]).join('');
  const outputs: object[] = [];
  let size = 0;
  while (size < NOTEBOOK_BYTES - 8000) {
    const img = chunk.repeat(4).slice(rnd() % 100) + chunk.slice(0, rnd() % 4096);
    outputs.push({
      data: { 'image/png': img, 'text/plain': ['<Figure>'] },
      metadata: {},
      output_type: 'display_data',
    });
    size += img.length;
  }
  const cells: object[] = [
    { cell_type: 'code', execution_count: 1, id: 'a', metadata: {}, outputs, source: 'plot()' },
  ];
  if (i % 10 === 9)
    cells.push({
      cell_type: 'code',
      execution_count: 2,
      id: 'b',
      metadata: {},
      source: '1/0',
      outputs: [
        { output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: [] },
      ],
    });
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

function build(): { bare: string; work: string } {
  const bare = join(ROOT, 'output.git');
  const work = join(ROOT, 'work');
  if (existsSync(join(ROOT, 'ready'))) return { bare, work };
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  process.stdout.write(
    `building a ${COMMITS} × ${NOTEBOOK_BYTES / 1024} KB output repository in ${ROOT} (once)…\n`,
  );
  git(ROOT, 'init', '-q', '--bare', bare);
  git(ROOT, 'init', '-q', '--initial-branch=master', work);
  for (let i = 0; i < COMMITS; i++) {
    const d = join(work, id(i));
    mkdirSync(d);
    writeFileSync(join(d, `exp${i}.ipynb`), notebook(i));
    writeFileSync(
      join(d, 'metadata.json'),
      JSON.stringify(
        {
          accelerator: null,
          artifacts: false,
          branch: 'master',
          commit: 'abc',
          notebook: `exp${i}.ipynb`,
          notes: `run ${i}`,
          repository: 'git@github.com:me/p.git',
        },
        null,
        4,
      ),
    );
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'bench');
  git(work, 'push', '-q', bare, 'HEAD:refs/heads/master');
  writeFileSync(join(ROOT, 'ready'), '');
  return { bare, work };
}

/** The original's refresh: every folder, every notebook read and parsed (its `git pull` not counted). */
function naiveReread(work: string): number {
  let failed = 0;
  for (const d of readdirSync(work)) {
    if (!/^\d{8}_\d{6}/.test(d)) continue;
    const files = readdirSync(join(work, d));
    const nbName = files.find((f) => f.endsWith('.ipynb'));
    if (!nbName) continue;
    JSON.parse(readFileSync(join(work, d, 'metadata.json'), 'utf8'));
    const nb = JSON.parse(readFileSync(join(work, d, nbName), 'utf8')) as {
      cells: { outputs?: { output_type: string }[] }[];
    };
    if (nb.cells.some((c) => c.outputs?.some((o) => o.output_type === 'error'))) failed++;
  }
  return failed;
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

async function median(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < n; i++) all.push((await time(fn)).ms);
  return all.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

export async function run(): Promise<void> {
  const { bare, work } = build();
  const home = mkdtempSync(join(tmpdir(), 'mymlops-bench-home-'));
  try {
    const spec = { url: bare, branch: 'master' };
    naiveReread(work); // warm the page cache for a fair baseline
    const failedNaive = naiveReread(work);

    // Cold: no index. First the fetch into an empty mirror (the original's clone), then the build,
    // alternating with the baseline so both see the same machine load.
    const first = new OutputRepoIndex(home, spec);
    const coldFetch = await time(() => first.mirror.fetch(0));
    const colds: number[] = [];
    const naives: number[] = [];
    let rows = 0;
    let failed = 0;
    for (let i = 0; i < 3; i++) {
      naives.push((await time(() => naiveReread(work))).ms);
      rmSync(join(first.mirror.cacheDir, 'index.json'), { force: true });
      const idx = new OutputRepoIndex(home, spec);
      const r = await time(() => idx.refresh());
      colds.push(r.ms);
      const merged = mergeStatus({
        records: r.value.records,
        machines: [],
        launches: [],
        backend: 'local',
        now: new Date(),
      });
      rows = merged.length;
      failed = merged.filter((m) => m.status === 'failed').length;
    }
    const cold = colds.sort((a, b) => a - b)[1]!;
    const naive = naives.sort((a, b) => a - b)[1]!;
    if (rows !== COMMITS || failed !== failedNaive)
      throw new Error(`index disagrees with the re-read: ${rows} rows, ${failed} failed vs ${failedNaive}`);

    // Warm, as a new `mymlops status` process: index from disk + a real `git fetch` with nothing new.
    const warmFetch = await median(5, () =>
      new OutputRepoIndex(home, spec).refresh({ fetchMinIntervalMs: 0 }),
    );
    // Warm within the dashboard: fetch throttled (another tab just fetched), cache in memory.
    const shared = new OutputRepoIndex(home, spec);
    await shared.refresh();
    const warmThrottled = await median(5, () => shared.refresh({ fetchMinIntervalMs: 60_000 }));
    const warmDisk = await median(5, () => new OutputRepoIndex(home, spec).refresh());
    // The dashboard's periodic refresh when its fetch is due: index in memory + remote head check.
    const warmDue = await median(5, () => shared.refresh({ fetchMinIntervalMs: 0 }));

    // One new commit lands: fetch + read only that folder.
    const newId = '20990101_000000';
    mkdirSync(join(work, newId), { recursive: true });
    writeFileSync(join(work, newId, 'new.ipynb'), notebook(5));
    writeFileSync(join(work, newId, 'metadata.json'), '{"notebook": "new.ipynb"}');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'one more');
    git(work, 'push', '-q', bare, 'HEAD:refs/heads/master');
    const inc = await time(() => shared.refresh({ fetchMinIntervalMs: 0 }));
    git(work, 'reset', '-q', '--hard', 'HEAD~1');
    git(work, 'push', '-q', '-f', bare, 'HEAD:refs/heads/master');

    const rss = process.memoryUsage().rss / 2 ** 20;
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    const table = [
      ['figure', 'measured', 'target', 'baseline (re-read every notebook)'],
      ['cold index build (no cache)', f(cold), `≤ ${f(naive)}`, f(naive)],
      ['warm refresh: git fetch + cache read (new process)', f(warmFetch), '≤ 20 ms', f(naive)],
      ['warm refresh: dashboard, fetch due', f(warmDue), '≤ 20 ms', f(naive)],
      ['warm refresh: cache on disk, no fetch', f(warmDisk), '≤ 20 ms', f(naive)],
      ['warm refresh: dashboard, fetch throttled', f(warmThrottled), '≤ 20 ms', f(naive)],
      ['one new commit: fetch + read 1 folder', f(inc.ms), '–', f(naive)],
      ['first fetch of the mirror (clone)', f(coldFetch.ms), '–', '(original: git clone)'],
    ];
    printTable(table);
    process.stdout.write(
      `(${COMMITS} commits × ${NOTEBOOK_BYTES / 1024} KB, ${failed} failed; bench process RSS ${rss.toFixed(0)} MB)\n`,
    );
    const ok = cold <= naive && warmFetch <= 20 && warmDue <= 20 && warmThrottled <= 20;
    process.stdout.write(`targets ${ok ? 'met' : 'NOT met'}\n`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
