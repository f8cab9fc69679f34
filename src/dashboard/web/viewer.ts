// The notebook viewer: any commit's notebook from the output repository, including one still
// processing (re-fetched while it runs). Markdown and text are rendered as DOM text; rich HTML goes
// to a sandboxed frame served by /api/commits/<id>/outputs/<cell>/<n> (opaque origin, no access to
// this page); images are data: URLs; tracebacks keep their ANSI colours.
import type { ApiCommit } from '../server/api.js';
import { ansiNodes } from './ansi.js';
import { append, h } from './dom.js';
import { markdownNodes } from './markdown.js';

type Json = Record<string, unknown>;
const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/** Progress bars (tqdm) rewrite a line with `\r`: keep what a terminal would show. */
export function collapseCarriageReturns(s: string): string {
  if (!s.includes('\r')) return s;
  return s
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((p) => p !== '');
      return parts[parts.length - 1] ?? '';
    })
    .join('\n');
}

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

function outputNode(o: Json, id: string, cell: number, n: number): Node | null {
  const type = o['output_type'];
  if (type === 'stream') {
    return h(
      'pre',
      { class: `out stream ${o['name'] === 'stderr' ? 'stderr' : ''}` },
      ...ansiNodes(collapseCarriageReturns(text(o['text']))),
    );
  }
  if (type === 'error') {
    const tb = Array.isArray(o['traceback'])
      ? (o['traceback'] as string[]).join('\n')
      : `${o['ename']}: ${o['evalue']}`;
    return h('pre', { class: 'out error' }, ...ansiNodes(tb));
  }
  const data = (o['data'] ?? {}) as Json;
  for (const mime of IMAGE_MIMES) {
    const b64 = text(data[mime]).replace(/\s+/g, '');
    if (b64 && /^[A-Za-z0-9+/=]+$/.test(b64))
      return h('img', { class: 'out image', src: `data:${mime};base64,${b64}`, alt: mime });
  }
  if (data['image/svg+xml']) {
    // As an <img>, an SVG's scripts never run.
    return h('img', {
      class: 'out image',
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text(data['image/svg+xml']))}`,
      alt: 'svg',
    });
  }
  if (data['text/html'] !== undefined) {
    const frame = h('iframe', {
      class: 'out html',
      sandbox: 'allow-scripts',
      referrerpolicy: 'no-referrer',
      loading: 'lazy',
      title: 'notebook output',
      src: `/api/commits/${encodeURIComponent(id)}/outputs/${cell}/${n}`,
    });
    return frame;
  }
  if (data['text/markdown'] !== undefined) return markdownNodes(text(data['text/markdown']));
  if (data['application/json'] !== undefined)
    return h('pre', { class: 'out' }, JSON.stringify(data['application/json'], null, 2));
  if (data['text/latex'] !== undefined) return h('pre', { class: 'out' }, text(data['text/latex']));
  if (data['text/plain'] !== undefined)
    return h('pre', { class: 'out' }, ...ansiNodes(text(data['text/plain'])));
  return null;
}

export function renderNotebook(nb: Json, id: string): HTMLElement {
  const root = h('div', { class: 'nb' });
  const cells = Array.isArray(nb['cells']) ? (nb['cells'] as Json[]) : [];
  cells.forEach((c, i) => {
    const src = text(c['source']);
    if (c['cell_type'] === 'markdown') {
      root.appendChild(h('div', { class: 'cell md-cell' }, markdownNodes(src)));
      return;
    }
    if (c['cell_type'] !== 'code') {
      root.appendChild(h('div', { class: 'cell raw-cell' }, h('pre', {}, src)));
      return;
    }
    const count = c['execution_count'];
    const cell = h(
      'div',
      { class: 'cell code-cell' },
      h('div', { class: 'prompt' }, `In [${typeof count === 'number' ? count : ' '}]:`),
      h('pre', { class: 'source' }, h('code', {}, src)),
    );
    const outs = Array.isArray(c['outputs']) ? (c['outputs'] as Json[]) : [];
    const box = h('div', { class: 'outputs' });
    outs.forEach((o, n) => {
      const node = outputNode(o, id, i, n);
      if (node) box.appendChild(node);
    });
    if (outs.length) cell.appendChild(box);
    root.appendChild(cell);
  });
  if (cells.length === 0) root.appendChild(h('p', { class: 'muted' }, 'This notebook has no cells.'));
  return root;
}

/** Sandboxed frames tell us their height (they cannot touch this page; we only read a number). */
export function listenFrameHeights(): void {
  addEventListener('message', (e: MessageEvent) => {
    const hgt = (e.data as { mymlopsFrameHeight?: unknown })?.mymlopsFrameHeight;
    if (typeof hgt !== 'number' || !Number.isFinite(hgt)) return;
    for (const f of document.querySelectorAll<HTMLIFrameElement>('iframe.out.html')) {
      if (f.contentWindow === e.source) f.style.height = `${Math.min(Math.max(hgt, 20), 2000) + 4}px`;
    }
  });
}

export interface ViewerState {
  id: string;
  close(): void;
  update(c: ApiCommit | undefined): void;
}

export function openViewer(commit: ApiCommit, onClose: () => void): ViewerState {
  const body = h('div', { class: 'viewer-body' }, h('p', { class: 'muted' }, 'Loading notebook…'));
  const title = h('div', { class: 'viewer-title' });
  const panel = h(
    'div',
    { class: 'viewer', role: 'dialog', 'aria-label': `notebook ${commit.id}` },
    h(
      'div',
      { class: 'viewer-head' },
      title,
      h('button', { class: 'close', type: 'button', onclick: () => close() }, 'Close ✕'),
    ),
    body,
  );
  const overlay: HTMLDivElement = h(
    'div',
    { class: 'overlay', onclick: (e: Event) => e.target === overlay && close() },
    panel,
  );
  document.body.appendChild(overlay);
  let current = commit;
  let loadedFor = '';
  let timer: number | undefined;
  const esc = (e: KeyboardEvent) => e.key === 'Escape' && close();
  addEventListener('keydown', esc);

  function head(c: ApiCommit): void {
    title.replaceChildren();
    append(
      title,
      h('span', { class: `badge s-${c.status}` }, c.status),
      ' ',
      h('strong', {}, c.notebook ?? '?'),
      ' ',
      h('span', { class: 'muted' }, c.id),
      c.progress && c.status === 'processing'
        ? h('span', { class: 'muted' }, ` · ${c.progress.cells_done}/${c.progress.cells_total} cells`)
        : null,
      c.web_url
        ? h(
            'a',
            { href: c.web_url, target: '_blank', rel: 'noopener noreferrer', class: 'ext' },
            'open on the web host ↗',
          )
        : null,
      c.has_log
        ? h(
            'a',
            { href: `/api/commits/${encodeURIComponent(c.id)}/log`, target: '_blank', class: 'ext' },
            'job.log',
          )
        : null,
    );
  }

  async function load(): Promise<void> {
    const key = `${current.id}:${current.status}:${current.progress?.cells_done ?? ''}`;
    if (key === loadedFor) return;
    loadedFor = key;
    if (!current.output_path) {
      body.replaceChildren(
        h('p', { class: 'muted' }, 'No notebook pushed yet: it appears here with the first progress push.'),
      );
      return;
    }
    try {
      const r = await fetch(`/api/commits/${encodeURIComponent(current.id)}/notebook`, { cache: 'no-store' });
      if (!r.ok) throw new Error(((await r.json()) as { error?: string }).error ?? `HTTP ${r.status}`);
      const nb = (await r.json()) as Json;
      const scroll = body.scrollTop;
      body.replaceChildren(renderNotebook(nb, current.id));
      body.scrollTop = scroll;
    } catch (e) {
      loadedFor = '';
      body.replaceChildren(
        h('p', { class: 'error-text' }, `Could not load the notebook: ${(e as Error).message}`),
      );
    }
  }

  function close(): void {
    if (timer) clearInterval(timer);
    removeEventListener('keydown', esc);
    overlay.remove();
    onClose();
  }

  head(current);
  void load();
  return {
    id: commit.id,
    close,
    update(c) {
      if (!c) return;
      current = c;
      head(c);
      void load();
    },
  };
}
