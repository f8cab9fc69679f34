// Reads an artifact kept in the artifact store through its manifest entry, with the user's own
// access (a file:// folder: this machine's permissions). The bytes are copied into
// <home>/cache/artifacts/<sha256> while hashed and kept only when size and sha256 match the
// manifest, so a reader is handed verified bytes or an error, never wrong ones.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { StoredArtifact } from '../../core/artifacts/manifest.js';
import { err, ok, type Result } from '../../errors.js';

export async function verifiedCopy(a: StoredArtifact, home: string): Promise<Result<string, string>> {
  const dir = join(home, 'cache', 'artifacts');
  const dest = join(dir, a.sha256);
  if (existsSync(dest) && statSync(dest).size === a.size) return ok(dest);
  if (!a.location.startsWith('file:///'))
    return err(`${a.name} is stored at ${a.location}, a kind of store this version cannot read`);
  let src: string;
  try {
    src = fileURLToPath(a.location);
  } catch {
    return err(`${a.name}: its location ${a.location} is not a file URL`);
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${dest}.${process.pid}.${Date.now()}.part`;
  const hash = createHash('sha256');
  let size = 0;
  try {
    await pipeline(
      createReadStream(src),
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
  renameSync(tmp, dest);
  return ok(dest);
}
