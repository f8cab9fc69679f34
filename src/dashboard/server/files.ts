// Downloads of a commit's files (the notebook, artifacts/…): which paths the route accepts, and the
// headers a download gets. Pure; the bytes come from the output-repository mirror through git,
// never from the file system, and the reader also refuses anything but a regular file.

/** Paths a download may name: the commit folder's own notebook and anything under artifacts/. */
export function downloadPath(raw: string): string | null {
  let path: string;
  try {
    path = raw
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    return null;
  }
  if (path === '' || path.startsWith('/') || path.includes('\\') || /[\0-\x1f\x7f]/.test(path)) return null;
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  if (parts.length === 1) return path.endsWith('.ipynb') ? path : null;
  return parts[0] === 'artifacts' ? path : null;
}

const TYPES: Record<string, string> = {
  ipynb: 'application/x-ipynb+json',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  html: 'text/html; charset=utf-8',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  parquet: 'application/vnd.apache.parquet',
};

/** Extensions whose bytes are text: they go through `redact`, like the notebook the viewer reads. */
const TEXT = new Set(['ipynb', 'json', 'csv', 'tsv', 'txt', 'log', 'md', 'yaml', 'yml', 'html', 'svg']);

function ext(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function downloadType(path: string): { type: string; text: boolean } {
  const e = ext(path);
  return {
    type: Object.hasOwn(TYPES, e) ? TYPES[e]! : 'application/octet-stream',
    text: TEXT.has(e),
  };
}

/** `attachment` with the base name, ASCII fallback plus RFC 5987 UTF-8. */
export function contentDisposition(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const ascii = base.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(base)}`;
}
