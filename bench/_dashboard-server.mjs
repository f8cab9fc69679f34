// Child process for bench/dashboard-render.ts: the BUILT dashboard server (dist/, as installed:
// StatusService, merge, API) over N synthetic commits as the index hands them over. Prints its URL.
import { join } from 'node:path';
import { StatusService } from '../dist/core/status/service.js';
import { createDashboard } from '../dist/dashboard/server/server.js';

const n = Number(process.argv[2] ?? 10000);
// With a second argument every commit's notebook is one synthetic notebook of that many cells.
const cells = Number(process.argv[3] ?? 0);
const notebook = cells ? Buffer.from(JSON.stringify(bigNotebook(cells))) : null;
// With a third, the newest commit's notebook is one cell printing that many lines.
const hugeLines = Number(process.argv[4] ?? 0);
const huge = hugeLines
  ? Buffer.from(
      JSON.stringify({
        cells: [
          {
            cell_type: 'code',
            execution_count: 1,
            metadata: {},
            source: 'for step in range(N): print(step, loss)',
            outputs: [
              {
                output_type: 'stream',
                name: 'stdout',
                text: Array.from(
                  { length: hugeLines },
                  (_, k) => `step ${k} loss ${(1 / (k + 1)).toFixed(6)}\n`,
                ),
              },
            ],
          },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      }),
    )
  : null;

/** A notebook as long analyses are: prose with math, code, printed logs, results, a traceback-free run. */
function bigNotebook(count) {
  const list = [];
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0)
      list.push({
        cell_type: 'markdown',
        metadata: {},
        source: `## Step ${i}\n\nWe fit $y = \\beta_0 + \\beta_1 x_{${i}}$ and check that $\\sum_i r_i^2 < \\epsilon$.\n\n- a point\n- another with **bold** and \`code\``,
      });
    else
      list.push({
        cell_type: 'code',
        execution_count: i,
        metadata: {},
        source: `import numpy as np\nx = np.linspace(0, 1, ${i})\n%time y = np.sin(x) ** 2\nfor k in range(3):\n    print(k, y[k] if len(y) > k else None)\ny.mean()`,
        outputs: [
          {
            output_type: 'stream',
            name: 'stdout',
            text: Array.from({ length: 12 }, (_, k) => `${k} ${Math.sin(k * i).toFixed(6)}\n`),
          },
          {
            output_type: 'execute_result',
            execution_count: i,
            metadata: {},
            data: { 'text/plain': [`${(i / 7).toFixed(4)}`] },
          },
        ],
      });
  }
  return { cells: list, metadata: { language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 };
}
const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled', 'processing'];
const p = (x) => String(x).padStart(2, '0');
const records = Array.from({ length: n }, (_, i) => {
  const t = new Date(Date.UTC(2023, 0, 1) + i * 600_000);
  const id = `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}_${p(t.getUTCHours())}${p(t.getUTCMinutes())}00`;
  const status = statuses[i % statuses.length];
  return {
    id,
    tree: `t${i}`,
    notebook: `exp${i % 300}.ipynb`,
    metadata: {
      commit: 'abc',
      notebook: `exp${i % 300}.ipynb`,
      repository: 'git@github.com:me/project.git',
      branch: 'master',
      artifacts: i % 3 === 0,
      notes: `lr=${(i % 7) / 10} depth=${i % 9} features v${i % 13}`,
      accelerator: i % 4 ? 'nvidia-l4' : null,
      status,
      started_at: t.toISOString(),
      finished_at: status === 'processing' ? null : new Date(t.getTime() + 3_600_000).toISOString(),
      duration_seconds: status === 'processing' ? null : 3600,
      progress: { cells_done: status === 'processing' ? 3 : 10, cells_total: 10 },
      backend: 'gce',
      cost: { hourly_usd: 0.2, amount_usd: 0.2, estimate: true },
    },
    hasErrorOutput: false,
    firstError: null,
    artifacts: i % 3 === 0 ? ['metrics.json'] : [],
    metrics: i % 3 === 0 ? { auc: 0.8 + (i % 100) / 1000, logloss: 0.3 - (i % 50) / 1000 } : {},
    hasLog: true,
    problems: [],
  };
});
const service = new StatusService({
  backend: 'local',
  refreshRepo: async () => ({ records, warning: null }),
  listMachines: async () => [],
  listLaunches: async () => [],
});
const dash = await createDashboard({
  snapshot: () => service.snapshot(),
  readCommitFile: async (id, name) => {
    if (!name.endsWith('.ipynb')) return null;
    return huge && id === records[records.length - 1].id ? huge : notebook;
  },
  links: { Jupyter: 'http://localhost:8888/' },
  outputRepo: { url: 'git@github.com:me/out.git', branch: 'master' },
  assetsDir: join(import.meta.dirname, '..', 'assets', 'dashboard'),
  host: '127.0.0.1',
  port: 0,
  // As many tabs polling: the snapshot is recomputed every time it is older than this.
  snapshotMaxAgeMs: 2000,
});
process.stdout.write(`${dash.url}\n`);
process.on('SIGTERM', () => dash.close().then(() => process.exit(0)));
