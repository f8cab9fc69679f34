// A simulated VM: its startup script runs as a local process tree in a sandbox directory, with a
// per-VM metadata server (reached through GCE_METADATA_HOST, as the Google client libraries do)
// and stdout/stderr captured as serial port 1, as the guest agent forwards startup-script output.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Serial port 1 keeps the last 1 MiB, with absolute byte offsets (as the real API). */
export const SERIAL_MAX = 1024 * 1024;

export class SerialBuffer {
  private buf = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  private base = 0;
  append(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    if (this.buf.length > SERIAL_MAX) {
      const drop = this.buf.length - SERIAL_MAX;
      this.buf = this.buf.subarray(drop);
      this.base += drop;
    }
  }
  get end(): number {
    return this.base + this.buf.length;
  }
  /** `start` < 0 means the last -start bytes; before the kept window means from its beginning. */
  read(start: number): { contents: string; start: number; next: number } {
    let s = start < 0 ? Math.max(this.base, this.end + start) : start;
    if (s < this.base) s = this.base;
    if (s > this.end) s = this.end;
    return { contents: this.buf.subarray(s - this.base).toString('utf8'), start: s, next: this.end };
  }
}

export interface MetadataView {
  name: string;
  id: string;
  zone: string;
  projectId: string;
  projectNumber: string;
  machineType: string;
  attributes: () => Record<string, string>;
  preempted: () => boolean;
  token: string;
  /** Guest attributes (`namespace/key`), when instance metadata enable-guest-attributes is TRUE. */
  guestAttributes?: Map<string, string>;
  /** False when a guest-attribute write is over the rate limit (it is dropped, as GCE may). */
  mayWriteGuestAttribute?: () => boolean;
  /** Requests waiting for a change register here; metadataChanged() calls them. */
  waiters: Set<() => void>;
}

const etag = (v: string | undefined) =>
  createHash('sha256')
    .update(v ?? '\0')
    .digest('hex')
    .slice(0, 16);

/** The value of a key that `?wait_for_change=true` may wait on: instance/preempted, instance/attributes/*. */
function watched(view: MetadataView, p: string): string | undefined | null {
  if (p === 'instance/preempted') return view.preempted() ? 'TRUE' : 'FALSE';
  if (p === 'instance/attributes/')
    return Object.keys(view.attributes())
      .map((k) => `${k}\n`)
      .join('');
  if (p.startsWith('instance/attributes/')) return view.attributes()[decodeURIComponent(p.slice(20))];
  return null;
}

/** The metadata server of one VM (GCE_METADATA_HOST=127.0.0.1:PORT). */
export async function startMetadataServer(view: MetadataView): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (code: number, body: string, type = 'application/text', tag?: string) => {
      res.writeHead(code, {
        'Content-Type': type,
        'Metadata-Flavor': 'Google',
        ...(tag ? { ETag: tag } : {}),
      });
      res.end(body);
    };
    if (req.headers['metadata-flavor'] !== 'Google') {
      send(403, 'Missing required header "Metadata-Flavor": "Google"\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://metadata');
    const p = url.pathname.replace(/^\/computeMetadata\/v1\//, '');
    // The metadata server's wait-for-change: "?wait_for_change=true" answers when the value changes;
    // with "last_etag=ETAG" it answers at once if the value's ETag already differs; "timeout_sec=N"
    // bounds the wait (the reply is then the unchanged value). Every value carries its ETag.
    const value = watched(view, p);
    if (value !== null && url.searchParams.get('wait_for_change') === 'true') {
      const since = url.searchParams.get('last_etag') ?? etag(value);
      const timeout = Number(url.searchParams.get('timeout_sec') || 0) * 1000;
      const answer = () => {
        const v = watched(view, p);
        if (v === undefined || v === null) send(404, 'Not Found\n', 'text/html');
        else send(200, v, 'application/text', etag(v));
      };
      if (etag(value) !== since) return answer();
      const done = () => {
        view.waiters.delete(wake);
        clearTimeout(timer);
      };
      const wake = () => {
        if (etag(watched(view, p) ?? undefined) === since) return;
        done();
        answer();
      };
      const timer =
        timeout > 0
          ? setTimeout(() => {
              done();
              answer();
            }, timeout)
          : undefined;
      view.waiters.add(wake);
      res.on('close', done);
      return;
    }
    const attrs = view.attributes();
    const fixed: Record<string, string> = {
      'instance/name': view.name,
      'instance/id': view.id,
      'instance/hostname': `${view.name}.${view.zone}.c.${view.projectId}.internal`,
      'instance/zone': `projects/${view.projectNumber}/zones/${view.zone}`,
      'instance/machine-type': `projects/${view.projectNumber}/machineTypes/${view.machineType}`,
      'instance/preempted': view.preempted() ? 'TRUE' : 'FALSE',
      'instance/service-accounts/default/email': `${view.projectNumber}-compute@developer.gserviceaccount.com`,
      'project/project-id': view.projectId,
      'project/numeric-project-id': view.projectNumber,
    };
    if (p in fixed) return send(200, fixed[p]!, 'application/text', etag(fixed[p]));
    if (p.startsWith('instance/guest-attributes/') && view.guestAttributes) {
      if (attrs['enable-guest-attributes']?.toUpperCase() !== 'TRUE')
        return send(404, 'Not Found\n', 'text/html');
      const k = p.slice('instance/guest-attributes/'.length);
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        req.on('data', (d: Buffer) => chunks.push(d));
        req.on('end', () => {
          if (view.mayWriteGuestAttribute?.() ?? true)
            view.guestAttributes!.set(k, Buffer.concat(chunks).toString('utf8'));
          send(200, '');
        });
        return;
      }
      const v = view.guestAttributes.get(k);
      return v === undefined ? send(404, 'Not Found\n', 'text/html') : send(200, v);
    }
    if (p === 'instance/service-accounts/default/token') {
      return send(
        200,
        JSON.stringify({ access_token: view.token, expires_in: 3599, token_type: 'Bearer' }),
        'application/json',
      );
    }
    if (p === 'instance/attributes/')
      return send(
        200,
        Object.keys(attrs)
          .map((k) => `${k}\n`)
          .join(''),
      );
    if (p.startsWith('instance/attributes/')) {
      const k = decodeURIComponent(p.slice('instance/attributes/'.length));
      if (k in attrs) return send(200, attrs[k]!, 'application/text', etag(attrs[k]));
    }
    send(404, 'Not Found\n', 'text/html');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

export function metadataHost(server: Server): string {
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Every descendant pid of `root` (the job may start its own process groups, e.g. `timeout`). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** Signals `child` and every descendant; returns their pids (to power off what outlives its parent). */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return [];
  const pids = [pid, ...descendants(pid)];
  killPids(pids, signal);
  return pids;
}

/** Only processes still of this VM (their environment names its sandbox): a pid may be reused. */
export function killPids(pids: number[], signal: NodeJS.Signals, sandbox?: string): void {
  for (const p of pids) {
    if (sandbox !== undefined && !ofSandbox(p, sandbox)) continue;
    try {
      process.kill(-p, signal);
    } catch {
      // not a group leader
    }
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function ofSandbox(pid: number, sandbox: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`MYMLOPS_VM_ROOT=${sandbox}`);
  } catch {
    return false;
  }
}

export interface BootOptions {
  sandbox: string;
  script: string;
  env: NodeJS.ProcessEnv;
  serial: SerialBuffer;
  onExit: (code: number | null) => void;
}

export interface BootedVm {
  child: ChildProcess;
  /** Path the guest writes as its serial console (MYMLOPS_SERIAL_DEVICE). */
  console: string;
  /** Copies what the guest wrote to its console since the last call into the serial buffer. */
  drain(): void;
}

/** Runs the startup script detached (own process group) in the sandbox. */
export function boot(o: BootOptions): BootedVm {
  mkdirSync(join(o.sandbox, 'dev'), { recursive: true });
  const file = join(o.sandbox, 'startup-script');
  writeFileSync(file, o.script, { mode: 0o700 });
  // The guest's /dev/ttyS0: a plain file the simulator tails into serial port 1.
  const consolePath = join(o.sandbox, 'dev', 'ttyS0');
  writeFileSync(consolePath, '', { flag: 'a' });
  let offset = readFileSync(consolePath).length;
  const drain = () => {
    let fd: number;
    try {
      fd = openSync(consolePath, 'r');
    } catch {
      return;
    }
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        o.serial.append(Buffer.from(buf.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
  };
  o.serial.append(Buffer.from('Booting simulated VM\nstartup-script: starting\n'));
  const child = spawn('/bin/bash', [file], {
    cwd: o.sandbox,
    env: { ...o.env, MYMLOPS_SERIAL_DEVICE: consolePath },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // What the script prints on its own stdout/stderr reaches the console too (the guest agent's job).
  child.stdout!.on('data', (d: Buffer) => o.serial.append(d));
  child.stderr!.on('data', (d: Buffer) => o.serial.append(d));
  child.on('error', (e) => o.serial.append(Buffer.from(`startup-script: ${e.message}\n`)));
  child.on('close', (code) => {
    drain();
    o.serial.append(Buffer.from(`startup-script: finished with exit code ${code ?? 'signal'}\n`));
    o.onExit(code);
  });
  return { child, console: consolePath, drain };
}
