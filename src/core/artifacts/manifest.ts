// stored-artifacts.json, written by the job (helper.py offload) in a commit folder: the artifact
// files kept in the artifact store instead of git, each with its size, sha256 and location.

export const MANIFEST_NAME = 'stored-artifacts.json';

export interface StoredArtifact {
  /** Path in the commit folder, e.g. artifacts/model.bin. */
  name: string;
  size: number;
  sha256: string;
  /** file:///… (or gs://…) of the stored copy. */
  location: string;
}

/** The manifest's entries; anything malformed is left out (never read from a guessed place). */
export function parseManifest(text: string): StoredArtifact[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  const list = (v as { artifacts?: unknown } | null)?.artifacts;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is StoredArtifact =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.name === 'string' &&
      typeof e.location === 'string' &&
      typeof e.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(e.sha256) &&
      Number.isSafeInteger(e.size) &&
      e.size >= 0,
  );
}
