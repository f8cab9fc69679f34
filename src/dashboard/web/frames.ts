// Sandboxed output frames tell the page their height (they cannot touch this page; only a number is
// read). Kept out of the viewer's chunk: the listener is set once at start-up.
export function listenFrameHeights(): void {
  addEventListener('message', (e: MessageEvent) => {
    const hgt = (e.data as { mymlopsFrameHeight?: unknown })?.mymlopsFrameHeight;
    if (typeof hgt !== 'number' || !Number.isFinite(hgt)) return;
    for (const f of document.querySelectorAll<HTMLIFrameElement>('iframe.out.html')) {
      if (f.contentWindow === e.source) f.style.height = `${Math.min(Math.max(hgt, 1), 8000)}px`;
    }
  });
}
