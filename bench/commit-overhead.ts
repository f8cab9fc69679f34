// What `mymlops commit` adds on the local backend (snapshot, ref push, job start, clone, publish,
// follow) on top of running the notebook command directly. Target: ≤ 1 s for a trivial notebook.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_RUNNER_ASSET } from '../src/adapters/assets.js';
import { BIN } from '../test/helpers/cli.js';
import { bareRepo, FAKE_COMMAND, REAL_COMMAND, userRepo, writeConfig } from '../test/helpers/git-repo.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function check(r: ReturnType<typeof spawnSync>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${String(r.stderr)}`);
}

export async function run(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'mymlops-bench-commit-'));
  try {
    const repo = userRepo(join(tmp, 'repo'));
    const origin = bareRepo(join(tmp, 'origin.git'));
    const out = bareRepo(join(tmp, 'out.git'));
    const env = { ...process.env, MYMLOPS_HOME: join(tmp, 'home'), NO_COLOR: '1' };
    const rows: [string, number, number][] = [];
    // The shipped runner is on PATH inside a job only: run directly, it is the asset itself.
    for (const [label, command, directCommand] of [
      ['trivial notebook, kernel-less runner', FAKE_COMMAND, FAKE_COMMAND],
      ['trivial notebook, real kernel (nbclient)', REAL_COMMAND, `/usr/bin/python3 '${JOB_RUNNER_ASSET}'`],
    ] as const) {
      const cfg = writeConfig(join(tmp), { command, repository: origin, output: out, progressInterval: 60 });
      const direct: number[] = [];
      const commit: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Direct: the same command on a fresh copy of the notebook, in the repository.
        const work = join(tmp, `direct-${label.length}-${i}`);
        cpSync(repo, work, { recursive: true });
        direct.push(
          time(() =>
            check(
              spawnSync('bash', ['-c', `${directCommand} notebooks/quick.ipynb`], {
                cwd: work,
                encoding: 'utf8',
              }),
              'direct run',
            ),
          ),
        );
        commit.push(
          time(() =>
            check(
              spawnSync(process.execPath, [BIN, 'commit', 'notebooks/quick.ipynb', '--config', cfg], {
                cwd: repo,
                env,
                encoding: 'utf8',
              }),
              'mymlops commit',
            ),
          ),
        );
      }
      rows.push([label, median(direct), median(commit)]);
    }
    const detach: number[] = [];
    const cfg = writeConfig(join(tmp), { command: FAKE_COMMAND, repository: origin, output: out });
    for (let i = 0; i < RUNS; i++)
      detach.push(
        time(() =>
          check(
            spawnSync(
              process.execPath,
              [BIN, 'commit', 'notebooks/quick.ipynb', '--detach', '--config', cfg],
              { cwd: repo, env, encoding: 'utf8' },
            ),
            'mymlops commit --detach',
          ),
        ),
      );
    // Where the time goes: the CLI's own start-up (module loading) and config loading, per run.
    const startup = median(
      Array.from({ length: RUNS }, () =>
        time(() => check(spawnSync(process.execPath, [BIN, '--version'], { env }), 'mymlops --version')),
      ),
    );
    const validate = median(
      Array.from({ length: RUNS }, () =>
        time(() =>
          check(
            spawnSync(process.execPath, [BIN, 'validate', '--config', cfg], { cwd: repo, env }),
            'mymlops validate',
          ),
        ),
      ),
    );
    // Let the detached jobs finish before the folder goes away.
    spawnSync('sleep', ['3']);
    const pad = (s: string, n: number) => s.padEnd(n);
    const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(9);
    console.log(`median of ${RUNS} runs each (local backend, bare repositories on disk)`);
    console.log(
      `${pad('scenario', 44)}${'direct'.padStart(9)}${'commit'.padStart(9)}${'added'.padStart(9)}  target`,
    );
    for (const [label, d, c] of rows)
      console.log(
        `${pad(label, 44)}${ms(d)}${ms(c)}${ms(c - d)}  ≤ 1000 ms ${c - d <= 1000 ? 'ok' : 'MISSED'}`,
      );
    console.log(
      `${pad('commit --detach (snapshot, push, launch)', 44)}${'-'.padStart(9)}${ms(median(detach))}${'-'.padStart(9)}`,
    );
    console.log(`${pad('  of which: mymlops --version (start-up)', 44)}${'-'.padStart(9)}${ms(startup)}`);
    console.log(
      `${pad('  of which: mymlops validate (+ config load)', 44)}${'-'.padStart(9)}${ms(validate)}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
