// Builds the CLI (tsc → dist/) and bundles the dashboard's browser code (esbuild → assets/dashboard/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  // Installed from a registry tarball without dev dependencies: dist/ is already shipped.
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const web = join(root, 'src', 'dashboard', 'web');
const entry = join(web, 'main.ts');
if (existsSync(entry)) {
  const esbuild = await import('esbuild');
  const out = join(root, 'assets', 'dashboard');
  mkdirSync(out, { recursive: true });
  await esbuild.build({
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
