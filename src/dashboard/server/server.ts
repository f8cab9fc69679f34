// The dashboard's HTTP server (node:http, no framework): static assets from the package, the JSON
// API, and sandboxed notebook outputs. Read-only except the dev-machine buttons (dev-actions.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { isCommitId } from '../../core/commit/ids.js';
import type { StatusSnapshot } from '../../core/status/service.js';
import { redact } from '../../util/log.js';
import type { StoredRead } from '../../app/stored-artifact.js';
import { createReadStream } from 'node:fs';
import type { CommitRow } from '../../core/status/types.js';
import { apiStatus } from './api.js';
import { type CompareFn, compareRoute } from './compare-route.js';
import { AssetCache } from './assets.js';
import { type DevAction, devActions, ROUTE as DEV_ROUTE } from './dev-actions.js';
import { contentDisposition, downloadPath, downloadType } from './files.js';
import { allowedHosts, hostAllowed } from './host-check.js';
import { htmlOutput, OUTPUT_CSP, outputDocument } from './notebook-output.js';
import { isOldNotebook, upgradeNotebook } from '../../core/notebook-format.js';
import { type SnapshotImageDeps, snapshotImage } from './code-route.js';

export interface DashboardDeps {
  snapshot(): Promise<StatusSnapshot>;
  /** A file of a commit folder in the output repository (notebook, job.log), null when absent. */
  readCommitFile(id: string, name: string): Promise<Buffer | null>;
  /** A file of a commit's code snapshot (images a notebook names by a relative path). */
  readSnapshotFile?: SnapshotImageDeps['readSnapshotFile'];
  /** An artifact kept in the artifact store (listed in stored-artifacts.json), read and verified. */
  readStoredArtifact?(id: string, name: string): Promise<StoredRead>;
  /** Commits compared for GET /api/compare (absent: the route answers 404). */
  compare?: CompareFn;
  links: Record<string, string>;
  outputRepo: { url: string; branch: string } | null;
  assetsDir: string;
  host: string;
  port: number;
  /** Stop or resume a dev machine (the page's buttons); absent = no buttons work. */
  devAction?(name: string, action: DevAction): Promise<{ status: number; body: unknown }>;
  /** `mymlops doctor`'s checks (GET /api/doctor, shown on a project with no commits yet). */
  doctor?(): Promise<unknown>;
  /** Polling tabs share one snapshot this old at most. */
  snapshotMaxAgeMs?: number;
}

export interface Dashboard {
  server: Server;
  url: string;
  close(): Promise<void>;
  /** The next GET /api/status reads afresh (after a reconcile pass acted on machines). */
  invalidate(): void;
}

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Cached {
  at: number;
  snap: StatusSnapshot;
  /** Commits by id, for notebook/log lookups (the API copy is not kept: only its bytes are). */
  byId: Map<string, CommitRow>;
  body: Buffer;
  /** gzip of body, made once per snapshot on first request: 10,000 commits are ~7 MB of JSON. */
  gz?: Buffer;
}

class SnapshotCache {
  private value: Cached | null = null;
  private pending: Promise<Cached> | null = null;
  constructor(
    private readonly deps: DashboardDeps,
    private readonly maxAgeMs: number,
  ) {}
  get(): Promise<Cached> {
    if (this.value && Date.now() - this.value.at < this.maxAgeMs) return Promise.resolve(this.value);
    this.pending ??= this.deps
      .snapshot()
      .then((snap) => {
        if (this.value && this.value.snap === snap) {
          // Nothing changed: keep the serialised (and compressed) body.
          this.value.at = Date.now();
          return this.value;
        }
        const api = apiStatus(snap, { links: this.deps.links, outputRepo: this.deps.outputRepo });
        const v: Cached = {
          at: Date.now(),
          snap,
          byId: new Map(snap.commits.map((c) => [c.id, c])),
          body: Buffer.from(redact(JSON.stringify(api))),
        };
        this.value = v;
        return v;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
  /** The next request takes a fresh snapshot (after a dev machine was stopped or resumed). */
  invalidate(): void {
    if (this.value) this.value.at = 0;
  }
  /** The last snapshot, for notebook lookups between refreshes. */
  last(): Cached | null {
    return this.value;
  }
}

function send(
  res: ServerResponse,
  code: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(code, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': PAGE_CSP,
    'X-Frame-Options': 'DENY',
    ...headers,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, code: number, value: unknown): void {
  send(res, code, 'application/json; charset=utf-8', redact(JSON.stringify(value)));
}

export function createDashboard(deps: DashboardDeps): Promise<Dashboard> {
  const cache = new SnapshotCache(deps, deps.snapshotMaxAgeMs ?? 2000);
  const assets = new AssetCache(deps.assetsDir);
  const compareOnRoute = compareRoute(deps.compare);
  let doctorRun: { at: number; value: Promise<unknown> } | null = null;
  let allowed = new Set<string>();
  let ownPort = 0;
  const actions = devActions();

  // A notebook with many rich outputs (DataFrames) makes one frame request per output: parse it once.
  const parsedCache = new Map<string, unknown>();
  async function parsedNotebook(id: string, name: string): Promise<unknown> {
    const key = `${cache.last()?.snap.version}:${id}/${name}`;
    if (parsedCache.has(key)) return parsedCache.get(key);
    const buf = await deps.readCommitFile(id, name);
    let nb: unknown = null;
    try {
      nb = buf ? upgradeNotebook(JSON.parse(buf.toString('utf8'))) : null;
    } catch {}
    parsedCache.set(key, nb);
    // Keep the last few notebooks only.
    for (const k of parsedCache.keys()) if (parsedCache.size > 3) parsedCache.delete(k);
    return nb;
  }

  async function commitFor(id: string): Promise<CommitRow | null> {
    return cache.last()?.byId.get(id) ?? (await cache.get()).byId.get(id) ?? null;
  }

  /** GET /api/commits/<id>/files/<path>: the notebook or an artifact, as a download. */
  async function download(res: ServerResponse, commit: CommitRow, raw: string): Promise<void> {
    const path = downloadPath(raw);
    if (path === null) return sendJson(res, 400, { error: 'not a file of a commit folder' });
    // One notebook per folder: only the one the row names.
    if (!path.includes('/') && `${commit.id}/${path}` !== commit.output_path)
      return sendJson(res, 404, { error: `no ${path} in ${commit.id}` });
    const buf = await deps.readCommitFile(commit.id, path);
    const { type, text } = downloadType(path);
    if (!buf && path.includes('/') && deps.readStoredArtifact) {
      const s = await deps.readStoredArtifact(commit.id, path);
      if (s.kind === 'error') return sendJson(res, 502, { error: s.error });
      if (s.kind === 'file') {
        // The store's verified bytes as they are: large files are streamed, not redacted in memory.
        res.writeHead(200, {
          'Content-Type': type,
          'Content-Length': String(s.size),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
          'Cross-Origin-Resource-Policy': 'same-origin',
          'X-Frame-Options': 'DENY',
          'Content-Disposition': contentDisposition(path),
          'Content-Security-Policy': "sandbox; default-src 'none'",
        });
        createReadStream(s.path)
          .on('error', () => res.destroy())
          .pipe(res);
        return;
      }
    }
    if (!buf) return sendJson(res, 404, { error: `no ${path} in ${commit.id} in the output repository` });
    return send(res, 200, type, text ? redact(buf.toString('utf8')) : buf, {
      'Content-Disposition': contentDisposition(path),
      // Opened directly rather than saved, an artifact's HTML or SVG still runs nothing here.
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, allowed)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden: unexpected Host header\n');
      return;
    }
    const dev = req.method === 'POST' ? DEV_ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (dev) {
      const refused = actions.refusal(req);
      if (refused) return sendJson(res, 403, { error: refused });
      if (!deps.devAction) return sendJson(res, 404, { error: 'no dev machine actions here' });
      const r = await deps.devAction(dev[1]!, dev[2] as DevAction);
      cache.invalidate();
      return sendJson(res, r.status, r.body);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const a = assets.get(url.pathname);
    if (a) {
      const cacheHeaders: Record<string, string> = a.immutable
        ? { 'Cache-Control': 'max-age=31536000, immutable' }
        : {};
      if (a.type.startsWith('text/html')) cacheHeaders['Set-Cookie'] = actions.cookie(ownPort);
      send(res, 200, a.type, a.body, cacheHeaders);
      return;
    }
    if (url.pathname === '/api/status') {
      const snap = await cache.get();
      const etag = `"${snap.snap.version}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
        res.end();
        return;
      }
      const headers: Record<string, string> = {
        ETag: etag,
        'Cache-Control': 'no-cache',
        Vary: 'Accept-Encoding',
      };
      if (snap.body.length > 32_768 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        snap.gz ??= gzipSync(snap.body, { level: 1 });
        headers['Content-Encoding'] = 'gzip';
        send(res, 200, 'application/json; charset=utf-8', snap.gz, headers);
      } else send(res, 200, 'application/json; charset=utf-8', snap.body, headers);
      return;
    }
    if (url.pathname === '/api/doctor') {
      if (!deps.doctor) return sendJson(res, 404, { error: 'no checks here' });
      // One run at a time, reused for a minute: each run asks Compute Engine and the git servers.
      if (!doctorRun || Date.now() - doctorRun.at > 60_000)
        doctorRun = { at: Date.now(), value: deps.doctor() };
      return sendJson(res, 200, await doctorRun.value);
    }
    if (url.pathname === '/api/compare') {
      const r = await compareOnRoute(url.searchParams, commitFor);
      return sendJson(res, r.code, r.body);
    }
    // The raw path: `files/` keeps its own percent-encoding until downloadPath checks each segment.
    const m = /^\/api\/commits\/([^/]+)\/(notebook|log|code|outputs\/(\d+)\/(\d+)|files\/(.+))$/.exec(
      url.pathname,
    );
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const commit = isCommitId(id) ? await commitFor(id) : null;
      if (!commit) return sendJson(res, 404, { error: `no commit ${id}` });
      if (m[2] === 'log') {
        const log = commit.has_log ? await deps.readCommitFile(id, 'job.log') : null;
        if (!log) return sendJson(res, 404, { error: `no job.log for ${id} in the output repository yet` });
        return send(res, 200, 'text/plain; charset=utf-8', redact(log.toString('utf8')));
      }
      const name = commit.output_path?.slice(id.length + 1);
      if (m[2] === 'code') {
        const r = await snapshotImage(deps, id, commit.notebook, url.searchParams.get('path') ?? '');
        if (Buffer.isBuffer(r.body))
          return send(res, r.code, r.type, r.body, {
            'Cache-Control': 'max-age=3600',
            'Content-Security-Policy': "sandbox; default-src 'none'",
          });
        return sendJson(res, r.code, r.body);
      }
      if (m[5] !== undefined) return download(res, commit, m[5]);
      if (m[2] === 'notebook') {
        const nb = name ? await deps.readCommitFile(id, name) : null;
        if (!nb)
          return sendJson(res, 404, { error: `the notebook of ${id} is not in the output repository yet` });
        // nbformat 3 is read as nbformat does: upgraded to 4 (rare; newer ones are sent as stored).
        let body = nb.toString('utf8');
        if (/"nbformat"\s*:\s*[123]\s*[,}]/.test(body)) {
          try {
            const parsed: unknown = JSON.parse(body);
            if (isOldNotebook(parsed)) body = JSON.stringify(upgradeNotebook(parsed));
          } catch {}
        }
        return send(res, 200, 'application/json; charset=utf-8', redact(body));
      }
      const parsed = name ? await parsedNotebook(id, name) : null;
      const html = parsed === null ? null : htmlOutput(parsed, Number(m[3]), Number(m[4]));
      if (html === null) return sendJson(res, 404, { error: 'no such output' });
      // Served as its own sandboxed document: scripts in it never run in the dashboard's origin.
      return send(res, 200, 'text/html; charset=utf-8', outputDocument(redact(html)), {
        'Content-Security-Policy': OUTPUT_CSP,
        'X-Frame-Options': 'SAMEORIGIN',
      });
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: redact(e.message) });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      allowed = allowedHosts(deps.host, port);
      ownPort = port;
      const h = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
      resolve({
        server,
        url: `http://${h}:${port}/`,
        invalidate: () => cache.invalidate(),
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
