// The dashboard's route table: every request the server answers, one entry each, dispatched in order
// by `dispatch`, which also answers what no route takes (405, 404): the server itself only checks
// the Host. GET routes only read (a test polls each one); the POST route is the dev-machine buttons.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { CommitRow } from '../../core/status/types.js';
import type { AssetCache } from './assets.js';
import {
  commitCode,
  commitDownload,
  commitLog,
  commitNotebook,
  commitOutput,
  forCommit,
} from './commit-routes.js';
import type { CompareRoute } from './compare-route.js';
import { type DevAction, type DevActions, ROUTE as DEV_ROUTE } from './dev-actions.js';
import { send, sendJson } from './http.js';
import type { DashboardDeps } from './server.js';
import type { SnapshotCache } from './snapshot-cache.js';

/** What a server's handlers share (built once per server by createDashboard). */
export interface ServerState {
  deps: DashboardDeps;
  cache: SnapshotCache;
  assets: AssetCache;
  actions: DevActions;
  compare: CompareRoute;
  /** The port the server listens on (known once it listens). */
  port(): number;
  /** `mymlops doctor`'s checks, reused for a while; null when this server has none. */
  doctor(): Promise<unknown> | null;
  commitFor(id: string): Promise<CommitRow | null>;
  parsedNotebook(id: string, name: string): Promise<unknown>;
}

export interface RouteCall {
  s: ServerState;
  req: IncomingMessage;
  res: ServerResponse;
  /** The pattern's match on the raw path (`files/` keeps its percent-encoding until it is checked). */
  m: RegExpExecArray;
  url: URL;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler(c: RouteCall): Promise<void> | void;
}

const COMMIT = '^/api/commits/([^/]+)/';

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/(?!api\/)/, handler: asset },
  { method: 'GET', pattern: /^\/api\/status$/, handler: status },
  { method: 'GET', pattern: /^\/api\/doctor$/, handler: doctor },
  { method: 'GET', pattern: /^\/api\/compare$/, handler: compare },
  { method: 'GET', pattern: new RegExp(`${COMMIT}notebook$`), handler: forCommit(commitNotebook) },
  { method: 'GET', pattern: new RegExp(`${COMMIT}log$`), handler: forCommit(commitLog) },
  { method: 'GET', pattern: new RegExp(`${COMMIT}outputs/(\\d+)/(\\d+)$`), handler: forCommit(commitOutput) },
  { method: 'GET', pattern: new RegExp(`${COMMIT}files/(.+)$`), handler: forCommit(commitDownload) },
  { method: 'GET', pattern: new RegExp(`${COMMIT}code$`), handler: forCommit(commitCode) },
  { method: 'POST', pattern: DEV_ROUTE, handler: devAction },
];

/** The GET routes' patterns (HEAD is answered by the same routes). */
export function getRoutePatterns(): RegExp[] {
  return ROUTES.filter((r) => r.method === 'GET').map((r) => r.pattern);
}

/**
 * Answers with the first route of the request's method whose pattern matches; a request no route
 * takes gets 405 (a method other than GET or HEAD) or 404.
 */
export async function dispatch(s: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const url = new URL(req.url ?? '/', 'http://x');
  for (const r of ROUTES) {
    const m = r.method === method ? r.pattern.exec(url.pathname) : null;
    if (m) return r.handler({ s, req, res, m, url });
  }
  if (method !== 'GET')
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
  else notFound(res);
}

function notFound(res: ServerResponse): void {
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function asset({ s, res, url }: RouteCall): void {
  const a = s.assets.get(url.pathname);
  if (!a) {
    notFound(res);
    return;
  }
  const cacheHeaders: Record<string, string> = a.immutable
    ? { 'Cache-Control': 'max-age=31536000, immutable' }
    : {};
  if (a.type.startsWith('text/html')) cacheHeaders['Set-Cookie'] = s.actions.cookie(s.port());
  send(res, 200, a.type, a.body, cacheHeaders);
}

async function status({ s, req, res }: RouteCall): Promise<void> {
  const snap = await s.cache.get();
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
}

async function doctor({ s, res }: RouteCall): Promise<void> {
  const run = s.doctor();
  if (!run) return sendJson(res, 404, { error: 'no checks here' });
  return sendJson(res, 200, await run);
}

async function compare({ s, res, url }: RouteCall): Promise<void> {
  const r = await s.compare(url.searchParams, (id) => s.commitFor(id));
  return sendJson(res, r.code, r.body);
}

async function devAction({ s, req, res, m }: RouteCall): Promise<void> {
  const refused = s.actions.refusal(req);
  if (refused) return sendJson(res, 403, { error: refused });
  if (!s.deps.devAction) return sendJson(res, 404, { error: 'no dev machine actions here' });
  const r = await s.deps.devAction(m[1]!, m[2] as DevAction);
  s.cache.invalidate();
  return sendJson(res, r.status, r.body);
}
