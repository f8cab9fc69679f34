// A bare mirror of the output repository's branch under <home>/cache/output-repo/<key>/mirror.git,
// fetched shallowly (only the newest tree matters) and at most once per `minIntervalMs` however
// many tabs or processes ask: a stamp file's mtime is the shared throttle, an in-flight fetch is shared
// within the process.
//
// The mirror is a partial clone: a fetch brings commits and trees only (`--filter=blob:none`), and
// the blobs a reader needs (metadata.json for status, a notebook when it is opened) are fetched by id,
// many in one request (fetchObjects), and then kept. The promisor settings are given on the fetch
// command line only, never written to the mirror's config: with them in the config every
// reader (cat-file, ls-tree, grep) would fetch each missing blob on its own, one round trip apiece,
// and git before 2.44 cannot turn that off (GIT_NO_LAZY_FETCH).
//
// A running commit's progress lives off the branch, in `refs/mymlops/progress/<id>` (one parentless
// commit, force-updated by the job, removed once the result is on the branch). The same ls-remote
// that checks the branch head lists them, the same fetch brings the changed ones (commits and trees:
// the job writes the folder's metadata.json into the commit message too), and local ones the
// server no longer has are dropped.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCommitId } from '../../core/commit/ids.js';
import { splitUrlCredentials } from '../../util/url.js';
import { PROGRESS_PREFIX } from '../../core/status/progress.js';
import { git } from '../git/git.js';
import { debug } from '../../util/log.js';
import { mkdirPrivate } from '../../util/private-fs.js';
import { localProgressRefs } from './progress.js';
import { HOME } from '../../util/home-layout.js';

export interface OutputRepoSpec {
  url: string;
  branch: string;
  deployKey?: string | undefined;
}

export const MIRROR_REF = 'refs/heads/mymlops-output';

/** The name of an output repository's cache folder (one per URL and branch). */
export function repoCacheKey(spec: Pick<OutputRepoSpec, 'url' | 'branch'>): string {
  return createHash('sha256').update(`${spec.url}\n${spec.branch}`).digest('hex').slice(0, 16);
}

export function repoCacheDir(home: string, spec: OutputRepoSpec): string {
  return HOME.outputRepoCache(home, repoCacheKey(spec));
}

export type FetchOutcome =
  | { state: 'fetched' }
  | { state: 'throttled' }
  | { state: 'empty' }
  | { state: 'failed'; message: string };

const inFlight = new Map<string, Promise<FetchOutcome>>();

/**
 * Fetches need `origin` to be a promisor remote; readers must not see it as one (see the top). With
 * a filter already given, git does not write its own promisor settings into the mirror's config.
 */
const PROMISOR = ['-c', 'remote.origin.promisor=true', '-c', 'remote.origin.partialclonefilter=blob:none'];
let refusalSaid = false;

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

  /** The mirror's git folder has what git needs to read it (not cleaned away under us). */
  whole(): boolean {
    return existsSync(join(this.gitDir, 'HEAD')) && existsSync(join(this.gitDir, 'objects'));
  }

  async ensure(): Promise<void> {
    // `partial` marks a mirror with its `origin` remote (mirrors made before fetched by URL). A
    // mirror whose git folder lost its objects or HEAD (a disk clean-up) is made again, fetched anew.
    const whole = this.whole();
    if (existsSync(join(this.cacheDir, 'partial')) && whole) return;
    if (!whole) {
      debug(`the output repository's mirror ${this.gitDir} is damaged: fetching it again`);
      for (const f of [
        this.gitDir,
        join(this.cacheDir, 'partial'),
        this.stamp,
        join(this.cacheDir, 'index.json'),
      ])
        rmSync(f, { recursive: true, force: true });
    }
    mkdirPrivate(this.cacheDir);
    if (!existsSync(join(this.gitDir, 'HEAD'))) await git(['init', '--quiet', '--bare', this.gitDir]);
    const { url } = splitUrlCredentials(this.spec.url);
    // The URL without credentials: those reach git through its credential helper (git.ts).
    await git(['--git-dir', this.gitDir, 'config', 'remote.origin.url', url]);
    writeFileSync(join(this.cacheDir, 'source'), `${url}\n${this.spec.branch}\n`);
    writeFileSync(join(this.cacheDir, 'partial'), '');
  }

  private auth() {
    return { deployKey: this.spec.deployKey, credentials: splitUrlCredentials(this.spec.url).credentials };
  }

  /** A filtered fetch from origin (the mirror's config is left as it was: see PROMISOR). */
  private async promisorFetch(args: string[], input?: string) {
    const r = await git([...PROMISOR, '--git-dir', this.gitDir, ...args], {
      auth: this.auth(),
      allowFail: true,
      timeoutMs: 120_000,
      ...(input === undefined ? {} : { input }),
    });
    // A server without filter support (uploadpack.allowFilter=false) sends everything: today's fetch.
    if (/filtering not recognized by server/i.test(r.stderr) && !refusalSaid) {
      refusalSaid = true;
      debug(
        `the output repository ${splitUrlCredentials(this.spec.url).url} does not filter fetches: every file is downloaded`,
      );
    }
    return r;
  }

  /** Ids (of `ids`) whose object is not in the mirror yet. */
  async missing(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const r = await git(['--git-dir', this.gitDir, 'cat-file', '--batch-check'], {
      input: `${ids.join('\n')}\n`,
    });
    return r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.slice(0, l.indexOf(' ')));
  }

  /**
   * Makes the objects `ids` (blobs of the fetched tree) present, fetching the missing ones in one
   * request; a failure message when that fetch failed.
   */
  async fetchObjects(ids: string[]): Promise<string | null> {
    const want = await this.missing([...new Set(ids)]);
    if (want.length === 0) return null;
    debug(`fetching ${want.length} file(s) from the output repository`);
    // As git's own lazy fetch does: no negotiation (the wants are blobs), ids on stdin.
    const r = await this.promisorFetch(
      [
        '-c',
        'fetch.negotiationAlgorithm=noop',
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--filter=blob:none',
        '--stdin',
        'origin',
      ],
      `${want.join('\n')}\n`,
    );
    return r.code === 0 ? null : fetchError(r.stderr, r.code);
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
    // Credentials in an https URL reach git through its credential helper, never argv (git.ts).
    const { url } = splitUrlCredentials(this.spec.url);
    const auth = this.auth();
    // Most polls find nothing new: ask for the branch head and the progress refs first (one round
    // trip, no pack negotiation) and fetch only what moved.
    const ls = await git(['ls-remote', url, `refs/heads/${this.spec.branch}`, `${PROGRESS_PREFIX}*`], {
      auth,
      allowFail: true,
      timeoutMs: 60_000,
    });
    if (ls.code !== 0) return failure(ls.stderr, ls.code);
    let remote: string | undefined;
    const progress = new Map<string, string>();
    for (const line of ls.stdout.split('\n')) {
      const [oid, ref] = line.split('\t');
      if (!oid || !ref || !/^[0-9a-f]{40,64}$/.test(oid)) continue;
      if (ref === `refs/heads/${this.spec.branch}`) remote = oid;
      else if (ref.startsWith(PROGRESS_PREFIX) && isCommitId(ref.slice(PROGRESS_PREFIX.length)))
        progress.set(ref.slice(PROGRESS_PREFIX.length), oid);
    }
    const local = this.progressRefs();
    const specs: string[] = [];
    if (remote && remote !== this.head()) specs.push(`+refs/heads/${this.spec.branch}:${MIRROR_REF}`);
    for (const [id, oid] of progress)
      if (local.get(id) !== oid) specs.push(`+${PROGRESS_PREFIX}${id}:${PROGRESS_PREFIX}${id}`);
    if (specs.length) {
      const r = await this.promisorFetch([
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--depth=1',
        '--filter=blob:none',
        'origin',
        ...specs,
      ]);
      if (r.code !== 0) {
        if (/couldn't find remote ref/i.test(r.stderr)) return { state: 'empty' };
        return failure(r.stderr, r.code);
      }
    }
    const gone = [...local.keys()].filter((id) => !progress.has(id));
    if (gone.length)
      await git(['--git-dir', this.gitDir, 'update-ref', '--stdin'], {
        input: gone.map((id) => `delete ${PROGRESS_PREFIX}${id}\n`).join(''),
        allowFail: true,
      });
    return remote ? { state: 'fetched' } : { state: 'empty' };
  }

  /** Running commits' progress refs in the mirror (id → commit), read from the ref files. */
  progressRefs(): Map<string, string> {
    return localProgressRefs(this.gitDir);
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
  return { state: 'failed', message: fetchError(stderr, code) };
}

function fetchError(stderr: string, code: number): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l && !/filtering not recognized/i.test(l));
  const line = lines.find((l) => l.startsWith('fatal:')) ?? lines[0] ?? `git exited ${code}`;
  return line.replace(/^fatal: /, '');
}
