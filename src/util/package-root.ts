// The installed package's root (where package.json, assets/ and schema/ live), found by walking up
// from this module: the same answer from src/ (tsx), from dist/ (bundled chunks) and when installed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PackageJson {
  name: string;
  version: string;
}

let cached: { root: string; pkg: PackageJson } | null = null;

function find(): { root: string; pkg: PackageJson } {
  if (cached) return cached;
  let dir = import.meta.dirname;
  for (;;) {
    const file = join(dir, 'package.json');
    const pkg = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : null;
    if (pkg?.name === 'mymlops') {
      cached = { root: dir, pkg };
      return cached;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`mymlops package.json not found above ${import.meta.dirname}`);
    dir = up;
  }
}

export function packageRoot(): string {
  return find().root;
}

/** The package's own package.json, read once (the version for `--version`). */
export function packageJson(): PackageJson {
  return find().pkg;
}

/** A file shipped with the package, e.g. packagePath('assets', 'devvm', 'watchdog.sh'). */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
