// A commit's artifact kept in the artifact store, found through the folder's stored-artifacts.json
// and read as verified bytes (the dashboard's downloads, `show --artifact`).
import { verifiedCopy } from '../adapters/artifact-store/read.js';
import { MANIFEST_NAME, parseManifest } from '../core/artifacts/manifest.js';

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
    const r = await verifiedCopy(entry, home);
    return r.ok ? { kind: 'file', path: r.value, size: entry.size } : { kind: 'error', error: r.error };
  };
}
