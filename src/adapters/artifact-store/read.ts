// Reads an artifact kept in the artifact store through its manifest entry, with the user's own
// access (a file:// folder: this machine's permissions; gs://: the user's Google token, the JSON
// API's base from CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE as gcloud reads it). The bytes are copied into
// <home>/cache/artifacts/<sha256> while hashed and kept only when size and sha256 match the
// manifest, so a reader is handed verified bytes or an error, never wrong ones.
import { moveIntoPlace, tempPathFor } from '../../util/atomic-file.js';
import { endpointBase } from '../gce/http.js';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { StoredArtifact } from '../../core/artifacts/manifest.js';
import { err, ok, type Result } from '../../errors.js';
import { HOME } from '../../util/home-layout.js';

/** How gs:// locations are read: the user's token and the JSON API's base URL. */
export interface GcsAccess {
  token(): Promise<string>;
  base: string;
}

export function gcsBase(env: NodeJS.ProcessEnv = process.env): string {
  return endpointBase(
    'CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE',
    'https://storage.googleapis.com/storage/v1/',
    env,
  );
}

async function source(a: StoredArtifact, gcs: (() => GcsAccess) | null): Promise<Result<Readable, string>> {
  const gs = /^gs:\/\/([^/]+)\/(.+)$/.exec(a.location);
  if (gs && gcs) {
    const g = gcs();
    let r: Response;
    try {
      r = await fetch(`${g.base}b/${encodeURIComponent(gs[1]!)}/o/${encodeURIComponent(gs[2]!)}?alt=media`, {
        headers: { Authorization: `Bearer ${await g.token()}` },
      });
    } catch (e) {
      return err(`could not read ${a.name} from the artifact store (${a.location}): ${(e as Error).message}`);
    }
    if (!r.ok || !r.body) {
      let why = `HTTP ${r.status}`;
      try {
        why += `: ${((await r.json()) as { error: { message: string } }).error.message}`;
      } catch {}
      return err(`could not read ${a.name} from the artifact store (${a.location}): ${why}`);
    }
    return ok(Readable.fromWeb(r.body as never));
  }
  if (!a.location.startsWith('file:///'))
    return err(`${a.name} is stored at ${a.location}, a kind of store this version cannot read`);
  try {
    return ok(createReadStream(fileURLToPath(a.location)));
  } catch {
    return err(`${a.name}: its location ${a.location} is not a file URL`);
  }
}

export async function verifiedCopy(
  a: StoredArtifact,
  home: string,
  gcs: (() => GcsAccess) | null = null,
): Promise<Result<string, string>> {
  const dir = HOME.artifacts(home);
  const dest = join(dir, a.sha256);
  if (existsSync(dest) && statSync(dest).size === a.size) return ok(dest);
  const src = await source(a, gcs);
  if (!src.ok) return src;
  mkdirSync(dir, { recursive: true });
  const tmp = tempPathFor(dest);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      src.value,
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      }),
      createWriteStream(tmp, { mode: 0o600 }),
    );
  } catch (e) {
    rmSync(tmp, { force: true });
    return err(`could not read ${a.name} from the artifact store (${a.location}): ${(e as Error).message}`);
  }
  const sum = hash.digest('hex');
  if (sum !== a.sha256 || size !== a.size) {
    rmSync(tmp, { force: true });
    return err(
      `${a.name} in the artifact store (${a.location}) does not match its manifest (sha256 ${sum.slice(0, 12)}…, ${size} bytes; expected ${a.sha256.slice(0, 12)}…, ${a.size} bytes): it was changed or damaged`,
    );
  }
  moveIntoPlace(tmp, dest);
  return ok(dest);
}
