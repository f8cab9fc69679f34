// A notebook's rich HTML output as its own document, served with a CSP `sandbox` (no
// allow-same-origin): its scripts run in an opaque origin, never in the dashboard's, even when the
// URL is opened directly. A tiny script reports the height so the frame can fit its content.

type Mime = Record<string, unknown>;

function text(v: unknown): string {
  return Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '';
}

/** The HTML of output `o` of cell `c`, or null when that output has no text/html. */
export function htmlOutput(nb: unknown, c: number, o: number): string | null {
  const cells = (nb as { cells?: unknown[] })?.cells;
  const cell = Array.isArray(cells) ? (cells[c] as { outputs?: unknown[] } | undefined) : undefined;
  const out = Array.isArray(cell?.outputs) ? (cell.outputs[o] as { data?: Mime } | undefined) : undefined;
  const html = out?.data?.['text/html'];
  return html === undefined ? null : text(html);
}

export const OUTPUT_CSP =
  "sandbox allow-scripts; default-src * data: blob: 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'self'";

export function outputDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;font:13px/1.4 system-ui,sans-serif;overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}</style></head><body>${html}<script>(function(){function h(){parent.postMessage({mymlopsFrameHeight:document.documentElement.scrollHeight},'*')}addEventListener('load',h);new ResizeObserver(h).observe(document.documentElement);h()})()</script></body></html>`;
}
