// GET /api/commits/<id>/{log,notebook,outputs/i/j,files/…,code}: one commit's files, read from the
// output repository (or the artifact store, or the code snapshot), redacted, never acting on anything.
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { isCommitId } from '../../core/commit/ids.js';
import { isOldNotebook, upgradeNotebook } from '../../core/notebook-format.js';
import type { CommitRow } from '../../core/status/types.js';
import { redact } from '../../util/log.js';
import { snapshotImage } from './code-route.js';
import { contentDisposition, downloadPath, downloadType } from './files.js';
import { send, sendJson } from './http.js';
import { htmlOutput, OUTPUT_CSP, outputDocument } from './notebook-output.js';
import type { RouteCall, ServerState } from './routes.js';
import type { SnapshotCache } from './snapshot-cache.js';

type CommitHandler = (c: RouteCall, commit: CommitRow, name: string | undefined) => Promise<void>;

/** A handler of a commit named by the route's first group; 404 when there is no such commit. */
export function forCommit(handler: CommitHandler): (c: RouteCall) => Promise<void> {
  return async (c) => {
    const id = decodeURIComponent(c.m[1]!);
    const commit = isCommitId(id) ? await c.s.commitFor(id) : null;
    if (!commit) return sendJson(c.res, 404, { error: `no commit ${id}` });
    return handler(c, commit, commit.output_path?.slice(id.length + 1));
  };
}

export const commitLog: CommitHandler = async ({ s, res }, commit) => {
  const log = commit.has_log ? await s.deps.readCommitFile(commit.id, 'job.log') : null;
  if (!log) return sendJson(res, 404, { error: `no job.log for ${commit.id} in the output repository yet` });
  return send(res, 200, 'text/plain; charset=utf-8', redact(log.toString('utf8')));
};

export const commitCode: CommitHandler = async ({ s, res, url }, commit) => {
  const r = await snapshotImage(s.deps, commit.id, commit.notebook, url.searchParams.get('path') ?? '');
  if (Buffer.isBuffer(r.body))
    return send(res, r.code, r.type, r.body, {
      'Cache-Control': 'max-age=3600',
      'Content-Security-Policy': "sandbox; default-src 'none'",
    });
  return sendJson(res, r.code, r.body);
};

export const commitNotebook: CommitHandler = async ({ s, res }, commit, name) => {
  const nb = name ? await s.deps.readCommitFile(commit.id, name) : null;
  if (!nb)
    return sendJson(res, 404, { error: `the notebook of ${commit.id} is not in the output repository yet` });
  // nbformat 3 is read as nbformat does: upgraded to 4 (rare; newer ones are sent as stored).
  let body = nb.toString('utf8');
  if (/"nbformat"\s*:\s*[123]\s*[,}]/.test(body)) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (isOldNotebook(parsed)) body = JSON.stringify(upgradeNotebook(parsed));
    } catch {}
  }
  return send(res, 200, 'application/json; charset=utf-8', redact(body));
};

export const commitOutput: CommitHandler = async ({ s, res, m }, commit, name) => {
  const parsed = name ? await s.parsedNotebook(commit.id, name) : null;
  const html = parsed === null ? null : htmlOutput(parsed, Number(m[2]), Number(m[3]));
  if (html === null) return sendJson(res, 404, { error: 'no such output' });
  // Served as its own sandboxed document: scripts in it never run in the dashboard's origin.
  return send(res, 200, 'text/html; charset=utf-8', outputDocument(redact(html)), {
    'Content-Security-Policy': OUTPUT_CSP,
    'X-Frame-Options': 'SAMEORIGIN',
  });
};

/** The notebook or an artifact, as a download (the raw path keeps its percent-encoding until here). */
export const commitDownload: CommitHandler = async ({ s, res, m }, commit) => {
  const path = downloadPath(m[2]!);
  if (path === null) return sendJson(res, 400, { error: 'not a file of a commit folder' });
  // One notebook per folder: only the one the row names.
  if (!path.includes('/') && `${commit.id}/${path}` !== commit.output_path)
    return sendJson(res, 404, { error: `no ${path} in ${commit.id}` });
  const buf = await s.deps.readCommitFile(commit.id, path);
  const { type, text } = downloadType(path);
  if (!buf && path.includes('/') && s.deps.readStoredArtifact) {
    const st = await s.deps.readStoredArtifact(commit.id, path);
    if (st.kind === 'error') return sendJson(res, 502, { error: st.error });
    if (st.kind === 'file') return streamFile(res, st.path, st.size, type, path);
  }
  if (!buf) return sendJson(res, 404, { error: `no ${path} in ${commit.id} in the output repository` });
  return send(res, 200, type, text ? redact(buf.toString('utf8')) : buf, {
    'Content-Disposition': contentDisposition(path),
    // Opened directly rather than saved, an artifact's HTML or SVG still runs nothing here.
    'Content-Security-Policy': "sandbox; default-src 'none'",
  });
};

/** The store's verified bytes as they are: large files are streamed, not redacted in memory. */
function streamFile(res: ServerResponse, file: string, size: number, type: string, path: string): void {
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': String(size),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Content-Disposition': contentDisposition(path),
    'Content-Security-Policy': "sandbox; default-src 'none'",
  });
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** A notebook with many rich outputs (DataFrames) makes one frame request per output: parse it once. */
export function notebookParser(
  readCommitFile: ServerState['deps']['readCommitFile'],
  cache: SnapshotCache,
): (id: string, name: string) => Promise<unknown> {
  const parsedCache = new Map<string, unknown>();
  return async (id, name) => {
    const key = `${cache.last()?.snap.version}:${id}/${name}`;
    if (parsedCache.has(key)) return parsedCache.get(key);
    const buf = await readCommitFile(id, name);
    let nb: unknown = null;
    try {
      nb = buf ? upgradeNotebook(JSON.parse(buf.toString('utf8'))) : null;
    } catch {}
    parsedCache.set(key, nb);
    // Keep the last few notebooks only.
    for (const k of parsedCache.keys()) if (parsedCache.size > 3) parsedCache.delete(k);
    return nb;
  };
}
