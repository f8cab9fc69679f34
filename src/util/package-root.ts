// The installed package's root (where package.json, assets/ and schema/ live), found by walking up
// from this module: the same answer from src/ (tsx), from dist/ (bundled chunks) and when installed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mymlops') {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`mymlops package.json not found above ${import.meta.dirname}`);
    dir = up;
  }
}

/** A file shipped with the package, e.g. packagePath('assets', 'devvm', 'watchdog.sh'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
