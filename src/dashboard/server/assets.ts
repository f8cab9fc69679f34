// The page's static files: whatever the build wrote to assets/dashboard/ (the page, its script and
// the viewer's hashed chunks, styles and fonts), listed once at start-up. Only listed names are
// served, so no request path ever reaches the file system.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
};

export interface Asset {
  file: string;
  type: string;
}

export function listAssets(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (d: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const x = e.name.slice(e.name.lastIndexOf('.') + 1);
        if (Object.hasOwn(TYPES, x))
          out.set(`/${relative(dir, p).split(sep).join('/')}`, { file: p, type: TYPES[x]! });
      }
    }
  };
  walk(dir);
  const index = out.get('/index.html');
  if (index) out.set('/', index);
  return out;
}

export class AssetCache {
  private readonly bytes = new Map<string, Buffer>();
  private readonly list: Map<string, Asset>;
  constructor(dir: string) {
    this.list = listAssets(dir);
  }
  get(pathname: string): { body: Buffer; type: string; immutable: boolean } | null {
    const a = this.list.get(pathname);
    if (!a) return null;
    let b = this.bytes.get(a.file);
    if (!b) {
      b = readFileSync(a.file);
      this.bytes.set(a.file, b);
    }
    // Hashed chunk and font names never change content.
    return { body: b, type: a.type, immutable: /^\/(chunks|fonts)\//.test(pathname) };
  }
}
