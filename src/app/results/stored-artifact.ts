// A commit's artifact kept in the artifact store, found through the folder's stored-artifacts.json
// and read as verified bytes (the dashboard's downloads, `show --artifact`).
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { EXIT, UserError } from '../../errors.js';
import { gcsBase, verifiedCopy } from '../../adapters/artifact-store/read.js';
import { tokenSource } from '../../adapters/gce/auth.js';
import { MANIFEST_NAME, parseManifest } from '../../core/artifacts/manifest.js';

export type StoredRead =
  /** A verified copy on this machine. */
  | { kind: 'file'; path: string; size: number }
  | { kind: 'error'; error: string }
  /** The manifest does not list it (or there is none). */
  | { kind: 'absent' };

export function storedArtifacts(
  home: string,
  readCommitFile: (id: string, name: string) => Promise<Buffer | null>,
): (id: string, name: string) => Promise<StoredRead> {
  return async (id, name) => {
    const buf = await readCommitFile(id, MANIFEST_NAME);
    const entry = buf ? parseManifest(buf.toString('utf8')).find((e) => e.name === name) : undefined;
    if (!entry) return { kind: 'absent' };
    // gs:// is read with the user's own Google credentials (as gcloud would), asked for only then.
    const r = await verifiedCopy(entry, home, () => {
      const t = tokenSource();
      return { token: () => t.token(), base: gcsBase() };
    });
    return r.ok ? { kind: 'file', path: r.value, size: entry.size } : { kind: 'error', error: r.error };
  };
}

/**
 * `show ID --artifact NAME`: the bytes of artifacts/NAME, from the output repository or, through
 * the manifest, the artifact store (verified); a UserError when neither has them.
 */
export async function writeArtifact(
  home: string,
  readCommitFile: (id: string, name: string) => Promise<Buffer | null>,
  id: string,
  name: string,
  out: NodeJS.WritableStream,
): Promise<void> {
  const path = `artifacts/${name.replace(/^artifacts\//, '')}`;
  if (path.split('/').some((p) => p === '' || p === '.' || p === '..'))
    throw new UserError(`${name} is not a file under artifacts/`, 'pass a name `mymlops show ID` lists');
  const buf = await readCommitFile(id, path);
  if (buf) {
    out.write(buf);
    return;
  }
  const s = await storedArtifacts(home, readCommitFile)(id, path);
  if (s.kind === 'absent')
    throw new UserError(`no ${path} in commit ${id}`, 'pass a name `mymlops show ID` lists under artifacts');
  if (s.kind === 'error')
    throw new UserError(s.error, 'check the artifact store (its copy must match stored-artifacts.json)', {
      exitCode: EXIT.io,
    });
  await pipeline(createReadStream(s.path), out, { end: false });
}
