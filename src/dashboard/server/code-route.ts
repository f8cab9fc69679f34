// GET /api/commits/<id>/code?path=P: an image a notebook names by a path relative to itself
// (`![](figures/a.png)`), read from the commit's snapshot in the code repository with the user's
// credentials. Only image files, only inside the repository: the path is resolved against the
// notebook's folder and refused when it leaves the repository's root.
import { posix } from 'node:path';
import { downloadType } from './files.js';

const IMAGES = /\.(png|jpe?g|gif|webp|svg)$/i;

/** The repository path `rel` names from the notebook at `notebookPath`, or null when refused. */
export function snapshotImagePath(notebookPath: string, rel: string): string | null {
  if (!rel || rel.length > 1000 || rel.includes('\\') || /[\0-\x1f\x7f]/.test(rel)) return null;
  if (rel.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(rel)) return null;
  let clean: string;
  try {
    // Markdown paths are often URL-encoded (`my%20plot.png`).
    clean = decodeURIComponent(rel.split(/[?#]/)[0]!);
  } catch {
    return null;
  }
  const joined = posix.normalize(posix.join(posix.dirname(notebookPath), clean));
  if (joined === '.' || joined.startsWith('../') || joined === '..' || posix.isAbsolute(joined)) return null;
  if (joined.split('/').some((p) => p === '.git' || p === '')) return null;
  return IMAGES.test(joined) ? joined : null;
}

export interface SnapshotImageDeps {
  readCommitFile(id: string, name: string): Promise<Buffer | null>;
  readSnapshotFile?(
    snap: { id: string; snapshot: string | null },
    path: string,
  ): Promise<{ ok: true; value: Buffer | null } | { ok: false; error: string }>;
}

export async function snapshotImage(
  deps: SnapshotImageDeps,
  id: string,
  notebook: string | null,
  rel: string,
): Promise<{ code: number; type: string; body: Buffer | { error: string } }> {
  const json = 'application/json; charset=utf-8';
  if (!deps.readSnapshotFile)
    return { code: 404, type: json, body: { error: 'no code repository configured to read images from' } };
  let meta: Record<string, unknown> = {};
  try {
    meta = JSON.parse((await deps.readCommitFile(id, 'metadata.json'))?.toString('utf8') ?? '{}');
  } catch {}
  const nbPath = typeof meta['notebook_path'] === 'string' ? meta['notebook_path'] : notebook;
  const path = nbPath ? snapshotImagePath(nbPath, rel) : null;
  if (!path) return { code: 400, type: json, body: { error: 'not an image path inside the repository' } };
  const snapshot = typeof meta['source_commit'] === 'string' ? meta['source_commit'] : null;
  const r = await deps.readSnapshotFile({ id, snapshot }, path);
  if (!r.ok) return { code: 502, type: json, body: { error: r.error } };
  if (!r.value) return { code: 404, type: json, body: { error: `no ${path} in the snapshot of ${id}` } };
  return { code: 200, type: downloadType(path).type, body: r.value };
}
