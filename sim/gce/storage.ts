// The Cloud Storage JSON API subset mymlops's artifact store needs, in memory: object upload
// (uploadType media, multipart, resumable), get (metadata, or the bytes with alt=media), list
// (prefix, delimiter, paging) and delete, with Google's error shapes. `gcloud storage cp/ls` work
// against it through CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE=<sim>/storage/v1/.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError } from './shapes.js';

interface StoredObject {
  data: Buffer;
  contentType: string;
  generation: string;
  created: string;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) as Cloud Storage reports it: big-endian, base64. */
function crc32c(data: Buffer): string {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

export class Storage {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  private uploads = new Map<string, { bucket: string; name: string; contentType: string; parts: Buffer[] }>();
  private gen = Date.now() * 1000;

  constructor(
    buckets: string[],
    private base: () => string,
  ) {
    for (const b of buckets) this.buckets.set(b, new Map());
  }

  private resource(bucket: string, name: string, o: StoredObject) {
    const enc = encodeURIComponent(name);
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${o.generation}`,
      selfLink: `${this.base()}/storage/v1/b/${bucket}/o/${enc}`,
      mediaLink: `${this.base()}/storage/v1/b/${bucket}/o/${enc}?generation=${o.generation}&alt=media`,
      name,
      bucket,
      generation: o.generation,
      metageneration: '1',
      contentType: o.contentType,
      storageClass: 'STANDARD',
      size: String(o.data.length),
      md5Hash: createHash('md5').update(o.data).digest('base64'),
      crc32c: crc32c(o.data),
      etag: Buffer.from(o.generation).toString('base64'),
      timeCreated: o.created,
      updated: o.created,
      timeStorageClassUpdated: o.created,
    };
  }

  private put(bucket: string, name: string, data: Buffer, contentType: string) {
    const o = {
      data,
      contentType: contentType || 'application/octet-stream',
      generation: String(++this.gen),
      created: new Date().toISOString(),
    };
    this.buckets.get(bucket)!.set(name, o);
    return this.resource(bucket, name, o);
  }

  /** Handles /storage/v1/… and /upload/storage/v1/…; false for any other path. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, {
        'Content-Type': 'application/json; charset=UTF-8',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const m = /^\/(upload\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
    if (!m) return false;
    const [, upload, bucketRaw, objRaw] = m;
    const bucket = decodeURIComponent(bucketRaw!);
    const objects = this.buckets.get(bucket);
    if (!objects) {
      await readAll(req);
      send(404, apiError(404, 'notFound', 'The specified bucket does not exist.'));
      return true;
    }
    const method = req.method ?? 'GET';
    if (upload) {
      const type = url.searchParams.get('uploadType');
      const uploadId = url.searchParams.get('upload_id');
      const body = await readAll(req);
      if (uploadId) return this.resumable(req, res, uploadId, body, send);
      if (method !== 'POST') {
        send(405, apiError(405, 'methodNotAllowed', 'Method not allowed'));
        return true;
      }
      if (type === 'media') {
        const name = url.searchParams.get('name');
        if (!name) {
          send(400, apiError(400, 'required', 'Required', 'global'));
          return true;
        }
        send(200, this.put(bucket, name, body, String(req.headers['content-type'] ?? '')));
        return true;
      }
      if (type === 'multipart') {
        // Quoted with " or ' (gcloud's apitools uses '), or bare.
        const b = /boundary=(?:"([^"]+)"|'([^']+)'|([^;\s]+))/.exec(
          String(req.headers['content-type'] ?? ''),
        );
        const boundary = b ? (b[1] ?? b[2] ?? b[3]) : undefined;
        const parts = boundary ? splitMultipart(body, boundary) : [];
        if (parts.length < 2) {
          send(400, apiError(400, 'invalid', 'Invalid multipart request'));
          return true;
        }
        const meta = JSON.parse(parts[0]!.body.toString('utf8') || '{}') as {
          name?: string;
          contentType?: string;
        };
        const name = meta.name ?? url.searchParams.get('name');
        if (!name) {
          send(400, apiError(400, 'required', 'Required'));
          return true;
        }
        send(200, this.put(bucket, name, parts[1]!.body, meta.contentType ?? parts[1]!.type));
        return true;
      }
      if (type === 'resumable') {
        const meta = body.length
          ? (JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string })
          : {};
        const name = meta.name ?? url.searchParams.get('name');
        if (!name) {
          send(400, apiError(400, 'required', 'Required'));
          return true;
        }
        const id = randomBytes(12).toString('hex');
        this.uploads.set(id, {
          bucket,
          name,
          contentType: meta.contentType ?? String(req.headers['x-upload-content-type'] ?? ''),
          parts: [],
        });
        res.writeHead(200, {
          Location: `${this.base()}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&upload_id=${id}`,
          'Content-Length': '0',
        });
        res.end();
        return true;
      }
      send(400, apiError(400, 'invalid', `Invalid upload type: ${type ?? ''}`));
      return true;
    }
    const name = objRaw === undefined ? null : decodeURIComponent(objRaw);
    await readAll(req);
    if (name === null) {
      if (method !== 'GET') {
        send(405, apiError(405, 'methodNotAllowed', 'Method not allowed'));
        return true;
      }
      send(200, this.list(bucket, objects, url.searchParams));
      return true;
    }
    const o = objects.get(name);
    if (!o) {
      send(404, apiError(404, 'notFound', `No such object: ${bucket}/${name}`));
      return true;
    }
    if (method === 'DELETE') {
      objects.delete(name);
      res.writeHead(204, { 'Content-Length': '0' });
      res.end();
      return true;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      send(405, apiError(405, 'methodNotAllowed', 'Method not allowed'));
      return true;
    }
    if (url.searchParams.get('alt') === 'media') {
      res.writeHead(200, {
        'Content-Type': o.contentType,
        'Content-Length': String(o.data.length),
        'X-Goog-Generation': o.generation,
        'X-Goog-Hash': `crc32c=${crc32c(o.data)},md5=${createHash('md5').update(o.data).digest('base64')}`,
        'X-Goog-Stored-Content-Length': String(o.data.length),
      });
      res.end(o.data);
      return true;
    }
    send(200, this.resource(bucket, name, o));
    return true;
  }

  private resumable(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    body: Buffer,
    send: (code: number, body: unknown) => void,
  ): true {
    const u = this.uploads.get(id);
    if (!u) {
      send(404, apiError(404, 'notFound', 'No such upload'));
      return true;
    }
    u.parts.push(body);
    const range = String(req.headers['content-range'] ?? '');
    // "bytes a-b/total": done when b+1 = total; "bytes a-b/*": more to come; none: the whole body.
    const r = /bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)/.exec(range);
    const received = u.parts.reduce((n, p) => n + p.length, 0);
    if (r && (r[3] === '*' || Number(r[3]) > received)) {
      res.writeHead(308, { Range: `bytes=0-${received - 1}`, 'Content-Length': '0' });
      res.end();
      return true;
    }
    this.uploads.delete(id);
    send(200, this.put(u.bucket, u.name, Buffer.concat(u.parts), u.contentType));
    return true;
  }

  private list(bucket: string, objects: Map<string, StoredObject>, q: URLSearchParams) {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const max = Math.min(Number(q.get('maxResults') || 1000), 1000);
    const start = q.get('pageToken') ?? '';
    const items: ReturnType<Storage['resource']>[] = [];
    const prefixes = new Set<string>();
    const names = [...objects.keys()].filter((n) => n.startsWith(prefix) && n > start).sort();
    let next = '';
    for (const n of names) {
      if (items.length + prefixes.size >= max) {
        next = items.length ? items[items.length - 1]!.name : '';
        break;
      }
      const rest = n.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
      else items.push(this.resource(bucket, n, objects.get(n)!));
    }
    return {
      kind: 'storage#objects',
      ...(items.length ? { items } : {}),
      ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
      ...(next ? { nextPageToken: next } : {}),
    };
  }
}

function splitMultipart(body: Buffer, boundary: string): { type: string; body: Buffer }[] {
  const sep = Buffer.from(`--${boundary}`);
  const out: { type: string; body: Buffer }[] = [];
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const part = body.subarray(at + sep.length, next);
    // Lines end with CRLF (RFC 2046) or, from Python's email package, LF.
    const crlf = part.indexOf('\r\n\r\n');
    const lf = part.indexOf('\n\n');
    const [headEnd, gap] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString('utf8');
      let data = part.subarray(headEnd + gap);
      if (data.subarray(-2).toString() === '\r\n') data = data.subarray(0, -2);
      else if (data.subarray(-1).toString() === '\n') data = data.subarray(0, -1);
      out.push({ type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '', body: data });
    }
    at = next;
  }
  return out;
}
