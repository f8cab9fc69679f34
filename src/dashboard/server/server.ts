// The dashboard's HTTP server (node:http, no framework): the Host check, then the route table
// (routes.ts: static assets, the JSON API, sandboxed notebook outputs, the dev-machine buttons).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredRead } from '../../app/results/stored-artifact.js';
import type { StatusSnapshot } from '../../core/status/service.js';
import { redact } from '../../util/log.js';
import { AssetCache } from './assets.js';
import type { SnapshotImageDeps } from './code-route.js';
import { notebookParser } from './commit-routes.js';
import { type CompareFn, compareRoute } from './compare-route.js';
import { type DevAction, devActions } from './dev-actions.js';
import { allowedHosts, hostAllowed } from './host-check.js';
import { send, sendJson } from './http.js';
import { dispatch, type ServerState } from './routes.js';
import { SnapshotCache } from './snapshot-cache.js';

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

export function createDashboard(deps: DashboardDeps): Promise<Dashboard> {
  const cache = new SnapshotCache(deps, deps.snapshotMaxAgeMs ?? 2000);
  let doctorRun: { at: number; value: Promise<unknown> } | null = null;
  let allowed = new Set<string>();
  let ownPort = 0;
  const state: ServerState = {
    deps,
    cache,
    assets: new AssetCache(deps.assetsDir),
    actions: devActions(),
    compare: compareRoute(deps.compare),
    port: () => ownPort,
    doctor: () => {
      if (!deps.doctor) return null;
      // One run at a time, reused for a minute: each run asks Compute Engine and the git servers.
      if (!doctorRun || Date.now() - doctorRun.at > 60_000)
        doctorRun = { at: Date.now(), value: deps.doctor() };
      return doctorRun.value;
    },
    commitFor: async (id) => cache.last()?.byId.get(id) ?? (await cache.get()).byId.get(id) ?? null,
    parsedNotebook: notebookParser(deps.readCommitFile, cache),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, allowed)) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden: unexpected Host header\n');
      return;
    }
    await dispatch(state, req, res);
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
