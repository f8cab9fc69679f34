// Builds the CLI and the dashboard's browser code:
// - tsc → dist/ (one file per module: what the benchmarks load directly; not shipped);
// - esbuild → dist/cli/cli.cjs (the executable's bundle and the package's only code: loading ~150
//   small ESM files cost each run ~60 ms of a ~200 ms start-up, see below for why it is CommonJS);
// - esbuild → assets/dashboard/ (the page, no CDN).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  // Installed from a registry tarball without dev dependencies: dist/ is already shipped.
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const { build } = await import('esbuild');
rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'cli.ts')],
  bundle: true,
  platform: 'node',
  // One CommonJS file, on purpose. On Node 20 the ESM loader costs the launch path dearly: a
  // split ESM bundle spent ~40 ms resolving and linking the commit command's chunks, and an ESM
  // file importing a CJS bundle ~100 ms scanning it for exports. The commands' lazy `import()`s
  // stay lazy: esbuild turns them into on-demand module initialisers.
  format: 'cjs',
  target: 'node20',
  outfile: join(root, 'dist', 'cli', 'cli.cjs'),
  define: { 'import.meta.dirname': '__dirname' },
  // bin/mymlops.cjs runs the bundle as a vm.Script (for its code cache), where import() of a
  // package needs a loader callback: external packages are require()d instead.
  supported: { 'dynamic-import': false },
  // Loaded only on the rare path that needs it (Application Default Credentials).
  external: ['google-auth-library'],
  // For debugging a local build (node --enable-source-maps); not shipped (package.json "files").
  sourcemap: true,
  logLevel: 'warning',
});

const web = join(root, 'src', 'dashboard', 'web');
const entry = join(web, 'main.ts');
if (existsSync(entry)) {
  const out = join(root, 'assets', 'dashboard');
  // Chunk names carry hashes: a stale chunk must not linger and be served.
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // The page's script is app.js, one file (no chunk to wait for before the first render). The
  // notebook viewer (marked, DOMPurify, KaTeX, highlight.js) is its own entry, viewer.js, which
  // app.js imports by URL only when a notebook is opened; its languages are chunks of it. The
  // compare view (compare.js, drawing outputs as the viewer does) and the metric chart (chart.js,
  // uPlot) are entries of the same build, so what they share with the viewer is one chunk.
  await build({
    entryPoints: [{ in: entry, out: 'app' }],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outdir: out,
    logLevel: 'warning',
  });
  await build({
    entryPoints: [
      { in: join(web, 'viewer.ts'), out: 'viewer' },
      { in: join(web, 'compare.ts'), out: 'compare' },
      { in: join(web, 'chart.ts'), out: 'chart' },
    ],
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outdir: out,
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  // The viewer's third-party CSS with KaTeX's fonts, linked by the viewer when it opens.
  await build({
    entryPoints: [
      { in: join(web, 'viewer.css'), out: 'viewer' },
      { in: join(web, 'compare.css'), out: 'compare' },
    ],
    bundle: true,
    minify: true,
    outdir: out,
    assetNames: 'fonts/[name]-[hash]',
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    logLevel: 'warning',
  });
  for (const f of readdirSync(web)) {
    if (f === 'viewer.css' || f === 'compare.css') continue;
    if (f.endsWith('.html') || f.endsWith('.css') || f.endsWith('.svg'))
      copyFileSync(join(web, f), join(out, f));
  }
}
