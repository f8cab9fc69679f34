// Answers with the headers every dashboard response carries (no caching, no sniffing, framed by nobody).
import type { ServerResponse } from 'node:http';
import { redact } from '../../util/log.js';

const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function send(
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

export function sendJson(res: ServerResponse, code: number, value: unknown): void {
  send(res, code, 'application/json; charset=utf-8', redact(JSON.stringify(value)));
}
