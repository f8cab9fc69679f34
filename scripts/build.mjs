// Builds the CLI and the dashboard's browser code:
// - tsc → dist/ (one file per module: what the benchmarks load directly);
// - esbuild → dist/cli/ (the executable's bundle, split at the commands' lazy imports: loading
//   ~150 small ESM files cost each run ~60 ms of a ~200 ms start-up);
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
// Chunk names are content hashes: clear old ones so dist/cli holds only what cli.js imports.
rmSync(join(root, 'dist', 'cli'), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'src', 'cli.ts')],
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: join(root, 'dist', 'cli'),
  // Loaded only on the rare path that needs it (Application Default Credentials).
  external: ['google-auth-library'],
  // Bundled CommonJS dependencies (commander) call require(): give them one.
  banner: {
    js: "import { createRequire as __mymlopsRequire } from 'node:module'; const require = __mymlopsRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});

const web = join(root, 'src', 'dashboard', 'web');
const entry = join(web, 'main.ts');
if (existsSync(entry)) {
  const out = join(root, 'assets', 'dashboard');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(out, 'app.js'),
    logLevel: 'warning',
  });
  for (const f of readdirSync(web)) {
    if (f.endsWith('.html') || f.endsWith('.css') || f.endsWith('.svg'))
      copyFileSync(join(web, f), join(out, f));
  }
}
