// Which files look like credentials, so a snapshot leaves them out: by name, in any case (a
// `server.PEM` or `ID_RSA` is as secret as its lower-case twin), and for small files by content —
// cloud keys and token files are often saved under names nobody can list in advance. The adapter
// reads a file only when `readsContent` says so (this runs on every launch).

const SECRET_NAME_PATTERNS = [
  '.env*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.jks',
  '*.keystore',
  'id_rsa*',
  'id_dsa*',
  'id_ed25519*',
  'id_ecdsa*',
  '.netrc',
  '_netrc',
  '.git-credentials',
  '.pgpass',
  'kaggle.json',
  '.aws/credentials',
];

/** Lower-case base names whose content is checked for a token (`.npmrc` without one is config). */
const TOKEN_FILES: Record<string, RegExp> = {
  '.npmrc': /(?:^|[\s:])_(?:authToken|auth|password)\s*=\s*\S/im,
  '.pypirc': /^\s*password\s*[=:]\s*\S/im,
  '.yarnrc.yml': /^\s*npmAuth(?:Token|Ident)\s*:\s*\S/im,
};

/** Credential files are a few KB; bigger files are data and are never read. */
export const CONTENT_SCAN_BYTES = 64 * 1024;

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1).toLowerCase();

function nameRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*');
  return new RegExp(`(?:^|/)${body}$`, 'i');
}
const SECRET_NAMES = SECRET_NAME_PATTERNS.map(nameRegex);

export function secretByName(path: string): boolean {
  return SECRET_NAMES.some((r) => r.test(path));
}

/**
 * Whether the content of this file decides: every small `.json` (service-account and OAuth client
 * keys under any name), the token files above, and small untracked files of no or a text extension
 * (a key pasted into `gcp`, `token.txt`).
 */
export function readsContent(path: string, bytes: number, tracked: boolean): boolean {
  if (bytes > CONTENT_SCAN_BYTES) return false;
  const name = base(path);
  if (name.endsWith('.json') || name in TOKEN_FILES) return true;
  return !tracked && (!name.includes('.') || /\.(?:txt|cfg|conf|ini|cred|creds|secret|token)$/.test(name));
}

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** Whether a file's text is a credential: a private key, a cloud key, or a token file with a token. */
export function secretByContent(path: string, text: string): boolean {
  if (PRIVATE_KEY.test(text)) return true;
  const token = TOKEN_FILES[base(path)];
  if (token) return token.test(text);
  if (/"type"\s*:\s*"service_account"/.test(text) && text.includes('"private_key"')) return true;
  // An OAuth client (`credentials.json` from a console) or an external-account (workload identity) key.
  return /"client_secret"\s*:\s*"[^"]/.test(text) || /"type"\s*:\s*"external_account"/.test(text);
}
