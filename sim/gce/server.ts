// The Compute Engine simulator: a real HTTP server speaking the compute v1 REST API (the parts
// mymlops and gcloud use), a billing catalog, fault injection and VMs that run their startup
// script locally. `createGceSim()` for tests; `main.ts` for `npm run gce-sim`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSkus, COMPUTE_SERVICE } from './billing.js';
import { defaultFixture, type Fixture } from './fixture.js';
import { FilterError } from './filter.js';
import { Compute, type ComputeOptions } from './compute.js';
import { apiError, statusText } from './shapes.js';
import { waitForHold } from './faults.js';
import { lengthRequiredPage, needsLength } from './front-end.js';
import { guestAgentDir, guestUnits } from './guest-units.js';
import { iamRoute } from './iam.js';
import { Storage } from './storage.js';

export interface SimOptions extends Partial<ComputeOptions> {
  port?: number;
  fixture?: Fixture;
  /** Where VM sandboxes go (default: a temp dir removed on close). */
  sandboxRoot?: string;
  /** SKUs per catalog page (the real default is 5000). */
  billingPageSize?: number;
  /** Cloud Storage buckets that exist (default: `mymlops-sim-artifacts`). */
  buckets?: string[];
  /** Called for every request before it is handled (benchmarks time the insert). */
  onRequest?: (method: string, path: string) => void;
}

export interface GceSim {
  url: string;
  port: number;
  /** Base URL with gcloud's override semantics: `${url}/compute/v1/`. */
  computeBase: string;
  /** Cloud Storage's JSON API with gcloud's override semantics (`CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE`). */
  storageBase: string;
  storage: Storage;
  /** Base URL of the billing catalog (`MYMLOPS_BILLING_ENDPOINT`): `${url}/billing/v1/`. */
  billingBase: string;
  /** Base URL of IAM with gcloud's override semantics (`CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM`): `${url}/iam/`. */
  iamBase: string;
  compute: Compute;
  close(): Promise<void>;
}

/** A duration from the environment (the graces, shortened for tests), or its GCE value. */
function envMs(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v >= 0 ? v : fallback;
}

async function readBody(req: IncomingMessage, limit = 2 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function createGceSim(opts: SimOptions = {}): Promise<GceSim> {
  const fixture = opts.fixture ?? defaultFixture();
  // Fetched now (once per checkout) rather than at the first boot.
  guestUnits(opts.guestAgentDir ?? guestAgentDir());
  const ownSandbox = !opts.sandboxRoot;
  const sandboxRoot = opts.sandboxRoot ?? mkdtempSync(join(tmpdir(), 'mymlops-gce-sim-'));
  let base = '';
  const compute = new Compute(fixture, {
    sandboxRoot,
    bootDelayMs: opts.bootDelayMs ?? 50,
    driverInstallMs: opts.driverInstallMs ?? envMs('GCE_SIM_DRIVER_INSTALL_MS', 2000),
    vmEnv: opts.vmEnv ?? {},
    maxVms: opts.maxVms ?? 32,
    vmLifetimeMs: opts.vmLifetimeMs ?? 15 * 60_000,
    acceptToken: opts.acceptToken ?? ((t) => t.length > 0),
    spotGraceMs: opts.spotGraceMs ?? envMs('GCE_SIM_SPOT_GRACE_MS', 30_000),
    standardGraceMs: opts.standardGraceMs ?? envMs('GCE_SIM_STANDARD_GRACE_MS', 120_000),
    maxPageSize: opts.maxPageSize ?? 500,
    guestAttributeQueriesPerMinute: opts.guestAttributeQueriesPerMinute ?? 10,
    denyVmSelfCalls: opts.denyVmSelfCalls ?? false,
    guestAgentDir: opts.guestAgentDir ?? guestAgentDir(),
    base: () => base,
  });
  const storage = new Storage(opts.buckets ?? ['mymlops-sim-artifacts'], () =>
    base.replace(/\/compute\/v1$/, ''),
  );
  const skus = buildSkus(fixture);
  const pageSize = opts.billingPageSize ?? 5000;

  const send = (res: ServerResponse, code: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  };

  /** Google's 401 of a call without an accepted token (its message differs per API). */
  const unauthorized = (res: ServerResponse, message: string) =>
    send(res, 401, apiError(401, 'required', message, 'global'));
  const bearerToken = (req: IncomingMessage) =>
    /^Bearer\s+(.+)$/i.exec(req.headers['authorization'] ?? '')?.[1] ?? '';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base || 'http://127.0.0.1');
    opts.onRequest?.(req.method ?? 'GET', url.pathname);
    void (async () => {
      try {
        if (url.pathname.startsWith('/_sim/')) {
          const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
          return send(res, 200, compute.control(req.method ?? 'GET', url.pathname, body));
        }
        const billing = `/billing/v1/services/${COMPUTE_SERVICE}/skus`;
        if (url.pathname === billing || url.pathname === `/v1/services/${COMPUTE_SERVICE}/skus`) {
          const start = Number(url.searchParams.get('pageToken') || '0');
          const size = Math.min(Number(url.searchParams.get('pageSize') || pageSize), pageSize);
          const page = skus.slice(start, start + size);
          const next = start + size < skus.length ? String(start + size) : '';
          return send(res, 200, { skus: page, nextPageToken: next });
        }
        if (url.pathname.startsWith('/iam/v1/')) {
          const r = iamRoute(compute, req.method ?? 'GET', url.pathname);
          return send(res, r.code, r.body);
        }
        if (url.pathname.startsWith('/storage/v1/') || url.pathname.startsWith('/upload/storage/v1/')) {
          if (!compute.opts.acceptToken(bearerToken(req)))
            return unauthorized(res, 'Anonymous caller does not have storage.objects.get access.');
          if (await storage.handle(req, res, url)) return;
        }
        if (url.pathname.startsWith('/compute/v1/')) {
          if (needsLength(req.method ?? 'GET', req.headers)) {
            const page = lengthRequiredPage(req.method ?? 'POST');
            res.writeHead(411, {
              'Content-Type': 'text/html; charset=UTF-8',
              'Content-Length': Buffer.byteLength(page),
            });
            return void res.end(page);
          }
          const token = bearerToken(req);
          if (!compute.opts.acceptToken(token))
            return unauthorized(
              res,
              'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
            );
          const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
          await waitForHold(compute, req.method ?? 'GET', url.pathname, 'before');
          const r = await compute.handle(req.method ?? 'GET', url, body, token);
          await waitForHold(compute, req.method ?? 'GET', url.pathname, 'after');
          if (r.drop) return void req.socket.destroy();
          if (r.raw !== undefined) {
            res.writeHead(r.code, {
              'Content-Type': 'text/plain',
              'Content-Length': Buffer.byteLength(r.raw),
            });
            return void res.end(r.raw);
          }
          return send(res, r.code, r.body);
        }
        send(
          res,
          404,
          apiError(404, 'notFound', `The requested URL ${url.pathname} was not found on this server.`),
        );
      } catch (e) {
        if (e instanceof FilterError) return send(res, 400, apiError(400, 'invalid', e.message));
        if (e instanceof SyntaxError) return send(res, 400, apiError(400, 'parseError', 'Parse Error'));
        send(res, 500, apiError(500, 'backendError', `Internal error: ${(e as Error).message}`));
      }
    })();
  });
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  base = `${url}/compute/v1`;
  return {
    url,
    port,
    computeBase: `${base}/`,
    billingBase: `${url}/billing/v1/`,
    iamBase: `${url}/iam/`,
    storageBase: `${url}/storage/v1/`,
    storage,
    compute,
    async close() {
      await compute.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (ownSandbox) rmSync(sandboxRoot, { recursive: true, force: true });
    },
  };
}

export { statusText };
