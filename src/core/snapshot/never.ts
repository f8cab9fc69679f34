// The files that are never in a snapshot whatever the patterns say: the config's .env and every
// deploy key the config points to, when they sit inside the repository.
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Config } from '../../config/types.js';
import type { PlanSnapshotInput } from './rules.js';

function inside(root: string, path: string, realpath: (p: string) => string): string | null {
  let real = path;
  try {
    real = realpath(path);
  } catch {
    // A key that does not exist (yet) is compared as written.
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

export function neverInSnapshot(
  config: Config,
  root: string,
  realpath: (p: string) => string,
): PlanSnapshotInput['always'] {
  const out: PlanSnapshotInput['always'] = [];
  const env = inside(root, join(config.dir, '.env'), realpath);
  if (env) out.push({ path: env, reason: 'config-env' });
  const keys = [
    config.commit?.repository.deploy_key,
    config.commit?.output_repository.deploy_key,
    config.start?.repository.deploy_key,
  ];
  for (const k of keys) {
    const rel = k ? inside(root, k, realpath) : null;
    if (rel && !out.some((o) => o.path === rel)) out.push({ path: rel, reason: 'deploy-key' });
  }
  return out;
}
