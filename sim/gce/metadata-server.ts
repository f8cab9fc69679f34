// A VM's metadata server (GCE_METADATA_HOST=127.0.0.1:PORT, as the Google client libraries read
// it): instance identity, attributes, the service account token, guest attributes, and
// `?wait_for_change=true` with ETags on instance/preempted and instance/attributes/*.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
