// A lazily loaded view's stylesheet, linked once on first open.
import { h } from './dom.js';

export function linkStyle(href: string): void {
  if (document.querySelector(`link[data-href="${href}"]`)) return;
  document.head.appendChild(h('link', { rel: 'stylesheet', href, 'data-href': href }));
}
