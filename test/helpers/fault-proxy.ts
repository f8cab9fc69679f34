// A proxy in front of the Compute Engine simulator that fails the way the path to the real API
// does: a load balancer's HTML 502 page, a bare 503, a connection reset mid-request, or nobody
// listening at all (connection refused). A burst is a window of time, as outages are: every request
// in it fails, the kinds taking turns.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ProxyFault = '502-html' | '503' | 'reset';

export interface FaultProxy {
  /** The simulator's compute base, through the proxy. */
  computeBase: string;
  /** Fails every request for `ms`, with `kinds` in turn. */
  failFor(ms: number, kinds: ProxyFault[]): void;
  /** Stops listening (connections are refused) for `ms`; resolves once it listens again. */
  refuseFor(ms: number): Promise<void>;
  /** Stops listening until close(). */
  refuse(): Promise<void>;
  /** Faults served so far, by kind (`refused` counts the outages). */
  served: Record<ProxyFault | 'refused', number>;
  /** Requests forwarded to the simulator. */
  forwarded: number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetComputeBase: string): Promise<FaultProxy> {
  const target = new URL(targetComputeBase);
  let window = { until: 0, kinds: [] as ProxyFault[], next: 0 };
  const sockets = new Set<Socket>();
  const served = { '502-html': 0, '503': 0, reset: 0, refused: 0 };
  const p = { forwarded: 0 } as FaultProxy;
  const server: Server = createServer((req, res) => {
    const fault = Date.now() < window.until ? window.kinds[window.next++ % window.kinds.length] : undefined;
    if (fault === 'reset') {
      served.reset++;
      req.socket.destroy();
      return;
    }
    if (fault === '502-html') {
      served['502-html']++;
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(
        '<!DOCTYPE html><html><head><title>502 Server Error</title></head><body>Bad Gateway</body></html>',
      );
      return;
    }
    if (fault === '503') {
      served['503']++;
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 503, message: 'The service is currently unavailable.' } }));
      return;
    }
    p.forwarded++;
    const up = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Kept-alive connections would otherwise go on being answered.
      for (const s of sockets) s.destroy();
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  p.computeBase = `http://127.0.0.1:${port}${target.pathname}`;
  p.served = served;
  p.failFor = (ms, kinds) => {
    window = { until: Date.now() + ms, kinds, next: 0 };
  };
  p.refuse = async () => {
    served.refused++;
    await stop();
    closed = true;
  };
  p.refuseFor = async (ms) => {
    await p.refuse();
    await new Promise((r) => setTimeout(r, ms)); // the outage itself, not a wait for a condition
    await listen(port);
    closed = false;
  };
  p.close = async () => {
    if (!closed) await stop();
    closed = true;
  };
  return p;
}
