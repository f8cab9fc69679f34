// Builds real output repositories for tests: a bare repo on disk plus a work clone that pushes
// folders to it, exactly as a commit job (or the original tool) would.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'mymlops test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'mymlops test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function gitSync(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export class TestOutputRepo {
  readonly root: string;
  readonly bare: string;
  readonly work: string;

  /** `filter: false` makes the server refuse partial fetches (GitHub and GitLab allow them). */
  constructor(
    readonly branch = 'master',
    opts: { filter?: boolean } = {},
  ) {
    this.root = mkdtempSync(join(tmpdir(), 'mymlops-outrepo-'));
    this.bare = join(this.root, 'output.git');
    this.work = join(this.root, 'work');
    gitSync(this.root, ['init', '--quiet', '--bare', this.bare]);
    gitSync(this.bare, ['config', 'uploadpack.allowFilter', String(opts.filter ?? true)]);
    gitSync(this.root, ['init', '--quiet', `--initial-branch=${branch}`, this.work]);
    gitSync(this.work, ['remote', 'add', 'origin', this.bare]);
  }

  /** Copies every folder of a fixture (e.g. `output-original`) in and pushes one commit. */
  addFixture(name: string, message = `fixture ${name}`): void {
    cpSync(join(FIXTURES, name), this.work, { recursive: true });
    this.commitAndPush(message);
  }

  /** Writes files (paths relative to the repo root) and pushes one commit. */
  write(files: Record<string, string | Buffer | object>, message = 'update'): void {
    for (const [p, content] of Object.entries(files)) {
      const full = join(this.work, p);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(
        full,
        typeof content === 'string' || Buffer.isBuffer(content)
          ? content
          : `${JSON.stringify(content, null, 4)}\n`,
      );
    }
    this.commitAndPush(message);
  }

  remove(path: string, message = `remove ${path}`): void {
    rmSync(join(this.work, path), { recursive: true, force: true });
    this.commitAndPush(message);
  }

  private commitAndPush(message: string): void {
    gitSync(this.work, ['add', '-A']);
    gitSync(this.work, ['commit', '--quiet', '--allow-empty', '-m', message]);
    gitSync(this.work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${this.branch}`]);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A notebook with `done` executed code cells out of `total`, optionally with an image output. */
export function progressNotebook(done: number, total: number, png?: string): object {
  const cells = Array.from({ length: total }, (_, i) => ({
    cell_type: 'code',
    execution_count: i < done ? i + 1 : null,
    id: `c${i}`,
    metadata: {},
    outputs:
      i < done
        ? [
            { name: 'stdout', output_type: 'stream', text: `cell ${i} done\n` },
            ...(png && i === 0
              ? [
                  {
                    data: { 'image/png': png, 'text/plain': ['<Figure>'] },
                    metadata: {},
                    output_type: 'display_data',
                  },
                ]
              : []),
          ]
        : [],
    source: `step(${i})`,
  }));
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
}

export function processingMetadata(
  notebook: string,
  done: number,
  total: number,
  extra: object = {},
): object {
  return {
    accelerator: null,
    artifacts: false,
    backend: 'local',
    branch: 'master',
    commit: 'a1b2c3d',
    notebook,
    notes: 'still running',
    progress: { cells_done: done, cells_total: total },
    repository: '/srv/repo.git',
    started_at: new Date(Date.now() - 65_000).toISOString(),
    status: 'processing',
    ...extra,
  };
}
