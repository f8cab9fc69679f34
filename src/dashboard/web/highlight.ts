// Code cells through highlight.js: the core plus the kernel's language (from the notebook's
// metadata; python when it says nothing). Python is in the viewer's chunk; the other languages a
// kernel commonly has are loaded on demand, each its own small chunk.
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import type { LanguageFn } from 'highlight.js';
import { sanitizedFragment } from './sanitize.js';

hljs.registerLanguage('python', python);
// IPython's additions to python, as Jupyter's ipython3 lexer marks them: `%magic` / `%%cell magic`
// names and `!shell` lines.
hljs.registerLanguage('ipython', (h) => {
  const py = python(h);
  return {
    ...py,
    name: 'IPython',
    aliases: ['ipython3'],
    contains: [
      { className: 'meta', begin: /^[ \t]*!/, end: /$/ },
      { className: 'meta', begin: /^[ \t]*%%?[A-Za-z_][\w.]*/ },
      { className: 'meta', begin: /(?<==\s*)!/, end: /$/ },
      ...(py.contains ?? []),
    ],
  };
});

type Loader = () => Promise<{ default: LanguageFn }>;
const LOADERS: Record<string, Loader> = {
  r: () => import('highlight.js/lib/languages/r'),
  julia: () => import('highlight.js/lib/languages/julia'),
  scala: () => import('highlight.js/lib/languages/scala'),
  bash: () => import('highlight.js/lib/languages/bash'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  sql: () => import('highlight.js/lib/languages/sql'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  java: () => import('highlight.js/lib/languages/java'),
  go: () => import('highlight.js/lib/languages/go'),
  rust: () => import('highlight.js/lib/languages/rust'),
};
const ALIASES: Record<string, string> = { 'c++': 'cpp', sh: 'bash', js: 'javascript', ts: 'typescript' };

/** The kernel's language as highlight.js names it: language_info, then kernelspec, else python. */
export function notebookLanguage(nb: Record<string, unknown>): string {
  const meta = (nb['metadata'] ?? {}) as Record<string, { name?: unknown; language?: unknown }>;
  const raw = meta['language_info']?.name ?? meta['kernelspec']?.language ?? 'python';
  const name = String(raw).toLowerCase();
  const lang = ALIASES[name] ?? name;
  // Notebook code is IPython: magics and shell escapes are highlighted as the ipython3 lexer does.
  return lang === 'python' ? 'ipython' : lang;
}

/** Makes `lang` available; false when highlight.js has no grammar we ship for it. */
export async function loadLanguage(lang: string): Promise<boolean> {
  if (hljs.getLanguage(lang)) return true;
  const load = Object.hasOwn(LOADERS, lang) ? LOADERS[lang] : undefined;
  if (!load) return false;
  try {
    hljs.registerLanguage(lang, (await load()).default);
    return true;
  } catch {
    return false;
  }
}

/** highlight.js's HTML for `code` in `lang` when that grammar is loaded, else null. */
export function highlightHtml(code: string, lang: string): string | null {
  const l =
    lang === 'python' || lang === 'python3' || lang === 'py'
      ? 'ipython'
      : Object.hasOwn(ALIASES, lang)
        ? ALIASES[lang]!
        : lang;
  if (!l || !hljs.getLanguage(l)) return null;
  return hljs.highlight(code, { language: l, ignoreIllegals: true }).value;
}

/** `code` highlighted as `lang` (already loaded), or plain text when the language is unknown. */
export function highlighted(code: string, lang: string): Node {
  if (!hljs.getLanguage(lang)) return document.createTextNode(code);
  return sanitizedFragment(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value);
}
