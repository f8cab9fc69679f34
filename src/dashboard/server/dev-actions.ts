// The dashboard's only requests that change anything: POST /api/dev/<name>/stop|start (stop or
// resume a dev machine). A page of another site must not be able to make them, so each needs
//   - the existing Host check (server.ts, before any route: defeats DNS rebinding),
//   - an Origin equal to this server's own origin (and no cross-site Sec-Fetch-Site),
//   - the per-server random token in the X-Mymlops-Token header. The page gets it in a SameSite=
//     Strict cookie (named per port: cookies do not tell ports apart) and copies it into the
//     header; another site can neither read the cookie nor set the header without CORS.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DevTarget, findDev, stopDev } from '../../core/devvm/lifecycle.js';
import { resumeDev } from '../../core/devvm/start.js';
import { UserError } from '../../errors.js';

export type DevAction = 'stop' | 'start';
export const TOKEN_HEADER = 'x-mymlops-token';
export const ROUTE = /^\/api\/dev\/([a-z][-a-z0-9]{0,62})\/(stop|start)$/;

export function tokenCookieName(port: number): string {
  return `mymlops_token_${port}`;
}

export interface DevActions {
  token: string;
  /** The Set-Cookie value served with the page. */
  cookie(port: number): string;
  /** Why a POST is refused (403), or null when it may go ahead. */
  refusal(req: IncomingMessage): string | null;
}

export function devActions(): DevActions {
  const token = randomBytes(32).toString('hex');
  const want = Buffer.from(token);
  return {
    token,
    cookie: (port) => `${tokenCookieName(port)}=${token}; Path=/; SameSite=Strict`,
    refusal(req) {
      const origin = req.headers.origin;
      if (!origin || origin !== `http://${req.headers.host ?? ''}`)
        return 'forbidden: the request does not come from this dashboard (Origin)';
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') return 'forbidden: cross-site request';
      const got = Buffer.from(String(req.headers[TOKEN_HEADER] ?? ''));
      if (got.length !== want.length || !timingSafeEqual(got, want))
        return 'forbidden: missing or wrong dashboard token (reload the page)';
      return null;
    },
  };
}

/** The buttons' work, through the backend: a refusal (already stopped…) is a 409 with its line. */
export function backendDevAction(
  target: () => DevTarget,
): (name: string, action: DevAction) => Promise<{ status: number; body: unknown }> {
  return async (name, action) => {
    const t = target();
    try {
      const m =
        action === 'stop' ? await stopDev(name, t) : await resumeDev(await findDev(name, t), t.backend);
      return { status: 200, body: { name, action, state: m.state } };
    } catch (e) {
      if (e instanceof UserError) return { status: 409, body: { error: e.line().replace(/^mymlops: /, '') } };
      throw e;
    }
  };
}
