// A bare mirror of the output repository's branch under <home>/cache/output-repo/<key>/mirror.git,
// fetched shallowly (only the newest tree matters) and at most once per `minIntervalMs` however
// many tabs or processes ask: a stamp file's mtime is the shared throttle, an in-flight fetch is shared
// within the process.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../git/git.js';
import { mkdirPrivate } from '../../util/private-fs.js';

export interface OutputRepoSpec {
  url: string;
  branch: string;
  deployKey?: string | undefined;
}

export const MIRROR_REF = 'refs/heads/mymlops-output';

export function repoCacheDir(home: string, spec: OutputRepoSpec): string {
  const key = createHash('sha256').update(`${spec.url}\n${spec.branch}`).digest('hex').slice(0, 16);
  return join(home, 'cache', 'output-repo', key);
}

export type FetchOutcome =
  | { state: 'fetched' }
  | { state: 'throttled' }
  | { state: 'empty' }
  | { state: 'failed'; message: string };

const inFlight = new Map<string, Promise<FetchOutcome>>();

export class Mirror {
  readonly gitDir: string;
  private readonly stamp: string;

  constructor(
    readonly cacheDir: string,
    readonly spec: OutputRepoSpec,
  ) {
    this.gitDir = join(cacheDir, 'mirror.git');
    this.stamp = join(cacheDir, 'fetched-at');
  }

  async ensure(): Promise<void> {
    if (existsSync(join(this.gitDir, 'HEAD'))) return;
    mkdirPrivate(this.cacheDir);
    await git(['init', '--quiet', '--bare', this.gitDir]);
    writeFileSync(join(this.cacheDir, 'source'), `${this.spec.url}\n${this.spec.branch}\n`);
  }

  /** Fetches unless another caller did within `minIntervalMs` (0 = always). */
  fetch(minIntervalMs: number): Promise<FetchOutcome> {
    const running = inFlight.get(this.gitDir);
    if (running) return running;
    if (minIntervalMs > 0) {
      try {
        if (Date.now() - statSync(this.stamp).mtimeMs < minIntervalMs)
          return Promise.resolve({ state: 'throttled' });
      } catch {}
    }
    const p = this.doFetch().finally(() => inFlight.delete(this.gitDir));
    inFlight.set(this.gitDir, p);
    return p;
  }

  private async doFetch(): Promise<FetchOutcome> {
    await this.ensure();
    this.touch();
    const auth = { deployKey: this.spec.deployKey };
    // Most polls find nothing new: ask for the branch head first (one round trip, no pack
    // negotiation) and fetch only when it moved.
    const ls = await git(['ls-remote', '--heads', this.spec.url, `refs/heads/${this.spec.branch}`], {
      auth,
      allowFail: true,
      timeoutMs: 60_000,
    });
    if (ls.code !== 0) return failure(ls.stderr, ls.code);
    const remote = /^([0-9a-f]{40,64})\s/.exec(ls.stdout)?.[1];
    if (!remote) return { state: 'empty' };
    if (remote === this.head()) return { state: 'fetched' };
    const r = await git(
      [
        '--git-dir',
        this.gitDir,
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--depth=1',
        this.spec.url,
        `+refs/heads/${this.spec.branch}:${MIRROR_REF}`,
      ],
      { auth, allowFail: true, timeoutMs: 120_000 },
    );
    if (r.code === 0) return { state: 'fetched' };
    if (/couldn't find remote ref/i.test(r.stderr)) return { state: 'empty' };
    return failure(r.stderr, r.code);
  }

  private touch(): void {
    const now = new Date();
    try {
      utimesSync(this.stamp, now, now);
    } catch {
      writeFileSync(this.stamp, '');
    }
  }

  /** The fetched branch head, read from the ref files (no process spawned); null when none. */
  head(): string | null {
    try {
      const v = readFileSync(join(this.gitDir, MIRROR_REF), 'utf8').trim();
      if (/^[0-9a-f]{40,64}$/.test(v)) return v;
    } catch {}
    try {
      for (const line of readFileSync(join(this.gitDir, 'packed-refs'), 'utf8').split('\n')) {
        const [id, ref] = line.split(' ');
        if (ref === MIRROR_REF && id && /^[0-9a-f]{40,64}$/.test(id)) return id;
      }
    } catch {}
    return null;
  }
}

function failure(stderr: string, code: number): FetchOutcome {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const line = lines.find((l) => l.startsWith('fatal:')) ?? lines[0] ?? `git exited ${code}`;
  return { state: 'failed', message: line.replace(/^fatal: /, '') };
}
