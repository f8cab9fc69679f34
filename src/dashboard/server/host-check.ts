// Which Host headers the dashboard answers: the address it serves, plus the loopback names a
// browser uses for it. Anything else is refused, which also defeats DNS rebinding (an attacker's
// name resolving to 127.0.0.1 still sends its own name as Host).
import { hostname, networkInterfaces } from 'node:os';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function bracket(h: string): string {
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** Host header values (lower case, with port) accepted for a server bound to `host`:`port`. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set<string>([bracket(host.toLowerCase())]);
  if (isLoopback(host)) for (const n of ['localhost', '127.0.0.1', '[::1]']) names.add(n);
  if (host === '0.0.0.0' || host === '::') {
    // Bound everywhere: the machine's own names and addresses only.
    names.add('localhost');
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(bracket(a.address.toLowerCase()));
  }
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  return header !== undefined && allowed.has(header.toLowerCase());
}
