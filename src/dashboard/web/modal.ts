// The dashboard's one modal dialog, shared by the notebook viewer and the compare view (a chunk of
// their build, so both see the same stack of open dialogs): a backdrop holding a panel with a title
// bar, a Close button and a scrolling body.
// - Escape, the Close button and a click on the backdrop (not on the panel) close it; with a dialog
//   opened over another, Escape closes only the one on top.
// - Focus moves into the body (so the arrow and page keys scroll it, and Escape is meant for it)
//   and goes back to what had it when the dialog opened, when that is still on the page.
import { h } from './dom.js';

export interface ModalOptions {
  /** The dialog's accessible name. */
  label: string;
  /** Classes added to the panel (`viewer`) and to the body (`viewer-body`). */
  panelClass?: string;
  bodyClass?: string;
  /** Runs once, after the dialog has left the page. */
  onClose(): void;
}

export interface Modal {
  /** The title bar's content (left of the Close button). */
  readonly title: HTMLElement;
  /** The scrolling content. */
  readonly body: HTMLElement;
  /** Closes the dialog; a second call does nothing. */
  close(): void;
}

/** Open dialogs, oldest first. */
const stack: Modal[] = [];
let listening = false;

const classes = (base: string, extra: string | undefined) => (extra ? `${base} ${extra}` : base);

export function openModal(o: ModalOptions): Modal {
  const opener = document.activeElement;
  const title = h('div', { class: 'viewer-title' });
  const body = h('div', { class: classes('viewer-body', o.bodyClass), tabindex: -1 });
  const panel = h(
    'div',
    { class: classes('viewer', o.panelClass), role: 'dialog', 'aria-modal': 'true', 'aria-label': o.label },
    h(
      'div',
      { class: 'viewer-head' },
      title,
      h('button', { class: 'close', type: 'button', onclick: () => modal.close() }, 'Close ✕'),
    ),
    body,
  );
  const overlay: HTMLDivElement = h(
    'div',
    { class: 'overlay', onclick: (e: Event) => e.target === overlay && modal.close() },
    panel,
  );
  let closed = false;
  const modal: Modal = {
    title,
    body,
    close() {
      if (closed) return;
      closed = true;
      stack.splice(stack.indexOf(modal), 1);
      overlay.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus({ preventScroll: true });
      o.onClose();
    },
  };
  document.body.appendChild(overlay);
  stack.push(modal);
  if (!listening) {
    listening = true;
    addEventListener('keydown', (e) => {
      if (e.key === 'Escape') stack[stack.length - 1]?.close();
    });
  }
  body.focus({ preventScroll: true });
  return modal;
}
