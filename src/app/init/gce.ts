// `mymlops init --gce`: gathers what the config needs (the repository's origin without its
// credentials and branch, gcloud's project) and writes core's text. Never overwrites.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_NAME } from '../../config/load.js';
import { GCE_DEFAULTS, gceConfigText } from '../../core/init-gce.js';
import { SCHEMA_COPY } from '../../core/init.js';
import { gitValue, newConfigFile, schemaPath } from './init.js';
import { splitUrlCredentials } from '../../util/url.js';
import { UserError } from '../../errors.js';
import { resolveProject } from '../../adapters/gce/auth.js';
import { git } from '../../adapters/git/git.js';

export interface GceInitOptions {
  dir: string;
  output?: string;
  zoneRegex?: string;
  machineType?: string;
  accelerator?: string;
  snapshot?: string;
  deployKey?: string;
  outputDeployKey?: string;
}

export async function initGce(
  o: GceInitOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ file: string; notes: string[] }> {
  const dir = resolve(o.dir);
  const file = newConfigFile(dir);
  if (!o.output)
    throw new UserError(
      'init --gce needs the output repository',
      'pass --output URL (a repository the VM can push results to, e.g. git@github.com:you/results.git)',
    );
  if (!(await gitValue(git, ['rev-parse', '--show-toplevel'], dir)))
    throw new UserError(
      `${dir} is not inside a git repository`,
      'run `git init` and add an origin remote first',
    );
  const origin = await gitValue(git, ['remote', 'get-url', 'origin'], dir);
  if (!origin)
    throw new UserError(
      'this repository has no origin remote',
      'add the repository the VM clones: git remote add origin URL',
    );
  const project = await resolveProject(null, env);
  const branch = (await gitValue(git, ['symbolic-ref', '--short', 'HEAD'], dir)) ?? 'master';
  // A token in a URL must never land in a file that is committed (and pushed by snapshots).
  const code = splitUrlCredentials(origin);
  const out = splitUrlCredentials(o.output);
  const notes: string[] = [];
  if (code.credentials || out.credentials)
    notes.push(
      `the credentials in ${code.credentials ? "origin's URL" : '--output'} were left out of ${CONFIG_NAME}: write https://user:\${TOKEN}@… with TOKEN in .env`,
    );
  const text = gceConfigText({
    project,
    repository: code.url,
    branch,
    output: out.url,
    zoneRegex: o.zoneRegex ?? GCE_DEFAULTS.zoneRegex,
    machineType: o.machineType ?? GCE_DEFAULTS.machineType,
    accelerator: o.accelerator === 'none' ? null : (o.accelerator ?? GCE_DEFAULTS.accelerator),
    snapshot: o.snapshot ?? GCE_DEFAULTS.snapshot,
    deployKey: o.deployKey ?? GCE_DEFAULTS.deployKey,
    outputDeployKey: o.outputDeployKey ?? GCE_DEFAULTS.outputDeployKey,
    schemaFile: SCHEMA_COPY,
  });
  copyFileSync(schemaPath(), join(dir, SCHEMA_COPY));
  writeFileSync(file, text, { flag: 'wx' });
  return { file, notes };
}
