// The one place HTML strings become DOM: everything built from a notebook (Markdown, KaTeX's and
// highlight.js's output) goes through DOMPurify first, so no script or handler of the notebook ever
// runs in the dashboard's origin. Links open in a new tab; a link whose URL DOMPurify refused
// (javascript:, data:) becomes plain text rather than a dead anchor.
import DOMPurify from 'dompurify';

let hooked = false;
function hook(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName !== 'A') return;
    const a = node as HTMLAnchorElement;
    if (!a.hasAttribute('href')) return;
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  });
}

export function sanitizedFragment(html: string): DocumentFragment {
  hook();
  const frag = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
    // A notebook's <style> would restyle the page and a <form> could submit somewhere.
    FORBID_TAGS: ['style', 'form'],
    SANITIZE_NAMED_PROPS: true,
  });
  for (const a of frag.querySelectorAll('a:not([href])')) a.replaceWith(...a.childNodes);
  return frag;
}
