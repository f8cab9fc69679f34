// A minimal HTTPS/HTTP request over node:http(s). The GCE client uses it instead of the global
// fetch because Node loads fetch's implementation (undici) on first use, blocking the event loop
// for ~40 ms on the launch path while the snapshot's git processes wait for their next step.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type EnvName, envValue } from '../../util/env.js';

/**
 * A Google API's base URL: gcloud's endpoint override (`CLOUDSDK_API_ENDPOINT_OVERRIDES_<API>`; set
 * and not empty) else `fallback`, always ending in `/` so paths resolve under it.
 */
export function endpointBase(
  variable: Extract<EnvName, `CLOUDSDK_API_ENDPOINT_OVERRIDES_${string}`>,
  fallback: string,
  env: NodeJS.ProcessEnv,
): string {
  const b = envValue(variable, env) || fallback;
  return b.endsWith('/') ? b : `${b}/`;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  text: string;
}

export function httpCall(
  url: string,
  opts: { method: string; headers: Record<string, string>; body: string | null; timeoutMs: number },
): Promise<HttpResponse> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: opts.method,
        headers: {
          ...opts.headers,
          ...(opts.body !== null ? { 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}),
        },
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${Math.round(opts.timeoutMs / 1000)} s`)),
    );
    req.on('error', reject);
    req.end(opts.body ?? undefined);
  });
}
