// The notebook viewer (its own chunk, imported when a commit is opened, with KaTeX and
// highlight.js): any commit's notebook from the output repository, including one still processing
// (re-fetched while it runs, the running cell marked and kept in view), download links for the
// notebook and its artifacts, and "jump to error" for a failed one.
import type { ApiCommit } from '../server/api.js';
import { append, h } from './dom.js';
import { linkStyle } from './link-style.js';
import { openModal } from './modal.js';
import { type RenderedNotebook, renderNotebook } from './notebook-view.js';
import type { Json } from './outputs.js';

/** `/api/commits/<id>/files/<path>`, each path segment encoded. */
export function fileUrl(id: string, path: string): string {
  return `/api/commits/${encodeURIComponent(id)}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function downloads(c: ApiCommit): HTMLElement | null {
  const nbName = c.output_path?.slice(c.id.length + 1);
  if (!nbName && c.artifact_files.length === 0) return null;
  const box = h('span', { class: 'downloads' });
  if (nbName)
    box.append(
      h('a', { href: fileUrl(c.id, nbName), download: nbName, class: 'ext dl-notebook' }, `⤓ ${nbName}`),
    );
  if (c.artifact_files.length) {
    const list = h('div', { class: 'artifact-list' });
    for (const f of c.artifact_files)
      list.append(
        h(
          'a',
          {
            href: fileUrl(c.id, `artifacts/${f}`),
            download: f.split('/').pop() ?? f,
            class: 'ext dl-artifact',
          },
          f,
        ),
      );
    box.append(
      h('details', { class: 'artifacts' }, h('summary', {}, `artifacts (${c.artifact_files.length})`), list),
    );
  }
  return box;
}

/** An image the notebook names by a path relative to itself, from the commit's code snapshot. */
export function codeFileUrl(id: string, path: string): string {
  return `/api/commits/${encodeURIComponent(id)}/code?path=${encodeURIComponent(path)}`;
}

export interface ViewerState {
  id: string;
  close(): void;
  update(c: ApiCommit | undefined): void;
}

export function openViewer(commit: ApiCommit, onClose: () => void): ViewerState {
  // The viewer's styles: KaTeX with its fonts, the highlight.js theme.
  linkStyle('/viewer.css');
  const { title, body, close } = openModal({
    label: `notebook ${commit.id}`,
    onClose: () => {
      pending?.stop();
      shown?.stop();
      onClose();
    },
  });
  body.append(h('p', { class: 'muted' }, 'Loading notebook…'));
  let current = commit;
  let loadedFor = '';
  let shown: RenderedNotebook | null = null;
  let lastRunning: number | null = null;
  let pending: RenderedNotebook | null = null;

  function errorCell(): number | null {
    if (current.status !== 'failed' || !shown) return null;
    const c = current.error?.cell;
    return typeof c === 'number' && c >= 0 && c < shown.count ? c : shown.firstError;
  }

  async function jumpTo(i: number): Promise<void> {
    const el = await shown?.cell(i);
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    el.classList.add('flash');
  }

  let headKey = '';
  function head(c: ApiCommit): void {
    const err = errorCell();
    // Polls re-send the same commit: rebuilding would close an open artifact list under the mouse.
    const key = JSON.stringify([
      c.status,
      c.progress,
      c.attempt,
      err,
      c.output_path,
      c.artifact_files,
      c.web_url,
      c.has_log,
    ]);
    if (key === headKey) return;
    headKey = key;
    const wasOpen = title.querySelector('details.artifacts')?.hasAttribute('open') ?? false;
    title.replaceChildren();
    append(
      title,
      h('span', { class: `badge s-${c.status}` }, c.status),
      ' ',
      h('strong', {}, c.notebook ?? '?'),
      ' ',
      h('span', { class: 'muted' }, c.id),
      c.attempt && c.attempt > 1 ? h('span', { class: 'attempt' }, `attempt ${c.attempt}`) : null,
      c.progress && c.status === 'processing'
        ? h('span', { class: 'muted' }, ` · ${c.progress.cells_done}/${c.progress.cells_total} cells`)
        : null,
      err !== null
        ? h(
            'button',
            { type: 'button', class: 'chip jump-error', onclick: () => void jumpTo(err) },
            'jump to error ↓',
          )
        : null,
      downloads(c),
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
    if (wasOpen) title.querySelector('details.artifacts')?.setAttribute('open', '');
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
      const id = current.id;
      const view = await renderNotebook(nb, id, current.status === 'processing', (p) => codeFileUrl(id, p));
      pending?.stop();
      pending = view;
      // The first view shows its first cells at once; a re-fetched one replaces the old view only
      // when complete, so the reader's place does not jump while it is built.
      if (shown) await view.done;
      if (pending !== view) return;
      pending = null;
      shown?.stop();
      const scroll = body.scrollTop;
      body.replaceChildren(view.root);
      body.scrollTop = scroll;
      shown = view;
      head(current);
      // Follow the running cell when it moves on; otherwise keep the reader where they were.
      if (view.running !== null && view.running !== lastRunning)
        (await view.cell(view.running))?.scrollIntoView({ block: 'center' });
      lastRunning = view.running;
    } catch (e) {
      loadedFor = '';
      body.replaceChildren(
        h('p', { class: 'error-text' }, `Could not load the notebook: ${(e as Error).message}`),
      );
    }
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
