// Which Google Cloud project mymlops uses (resolveProject in src/adapters/gce/auth.ts), row by row
// against the real gcloud: in a temp CLOUDSDK_CONFIG with three configurations, wherever gcloud has
// an opinion (its own configuration, CLOUDSDK_ACTIVE_CONFIG_NAME, CLOUDSDK_CORE_PROJECT) ours must be
// `gcloud config get-value project`'s answer, including "none". The variables gcloud ignores,
// GOOGLE_CLOUD_PROJECT and GCLOUD_PROJECT, are google-auth-library's (googleauth.js,
// getProductionProjectId): set alone, ours must be the library's answer too; the rows where the
// three tools' rules differ state our documented order (README "Google Compute Engine").
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveProject } from '../../../src/adapters/gce/auth.js';
import { UserError } from '../../../src/errors.js';
import { runAsync } from '../../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'mymlops-project-'));
const hasGcloud = (process.env['PATH'] ?? '').split(':').some((d) => existsSync(join(d, 'gcloud')));

/** The variables of the project rule; none leaks in from the environment the tests run in. */
const RULE_VARS = [
  'CLOUDSDK_CORE_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
  'GCLOUD_PROJECT',
  'gcloud_project',
  'google_cloud_project',
  'CLOUDSDK_ACTIVE_CONFIG_NAME',
  'GOOGLE_APPLICATION_CREDENTIALS',
];

/** gcloud kept off the real ~/.config/gcloud, prompts and the network. */
function baseEnv(config: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('CLOUDSDK_') || RULE_VARS.includes(k)) delete env[k];
  return {
    ...env,
    HOME: tmp,
    CLOUDSDK_CONFIG: config,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1',
  };
}

const CONFIGURED = join(tmp, 'gcloud');
const BLANK = join(tmp, 'gcloud-blank');

async function gcloud(env: NodeJS.ProcessEnv, ...args: string[]) {
  return runAsync('gcloud', args, { env, timeoutMs: 60_000 });
}

/** gcloud's answer: the project, or null when it names none (unset, or it refuses the setting). */
async function gcloudProject(env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await gcloud(env, 'config', 'get-value', 'project');
  return r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/** Ours: the project, or null for the "no Google Cloud project configured" error. */
async function ourProject(configured: string | null, env: NodeJS.ProcessEnv): Promise<string | null> {
  try {
    return await resolveProject(configured, env);
  } catch (e) {
    if (e instanceof UserError && /no Google Cloud project/.test(e.message)) return null;
    throw e;
  }
}

let libraryTurn: Promise<unknown> = Promise.resolve();

/** google-auth-library's answer from its variables alone (it reads process.env: one row at a time). */
function libraryProject(vars: Record<string, string>): Promise<string> {
  const turn = libraryTurn.then(() => libraryProjectNow(vars));
  libraryTurn = turn.catch(() => {});
  return turn;
}

async function libraryProjectNow(vars: Record<string, string>): Promise<string> {
  const { GoogleAuth } = await import('google-auth-library');
  const saved = Object.fromEntries(RULE_VARS.map((k) => [k, process.env[k]]));
  try {
    for (const k of RULE_VARS) delete process.env[k];
    Object.assign(process.env, vars);
    return await new GoogleAuth().getProjectId();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

interface Row {
  name: string;
  /** CLOUDSDK_CONFIG: CONFIGURED (default → proj-default, work → proj-work, empty → none) or BLANK. */
  config?: string;
  vars?: Record<string, string>;
  /** `gcp.project` in mymlops.yml. */
  configured?: string;
  /** Absent: gcloud decides. Present: our documented order where gcloud has no say. */
  ours?: { project: string; because: string };
}

const ROWS: Row[] = [
  { name: "gcloud's active configuration" },
  {
    name: 'CLOUDSDK_ACTIVE_CONFIG_NAME picks another configuration',
    vars: { CLOUDSDK_ACTIVE_CONFIG_NAME: 'work' },
  },
  { name: 'a configuration without a project: none', vars: { CLOUDSDK_ACTIVE_CONFIG_NAME: 'empty' } },
  { name: 'no gcloud configuration at all: none', config: BLANK },
  {
    name: 'CLOUDSDK_CORE_PROJECT over CLOUDSDK_ACTIVE_CONFIG_NAME',
    vars: { CLOUDSDK_CORE_PROJECT: 'env-core', CLOUDSDK_ACTIVE_CONFIG_NAME: 'work' },
  },
  { name: 'an empty CLOUDSDK_CORE_PROJECT is refused: none', vars: { CLOUDSDK_CORE_PROJECT: '' } },
  {
    name: "CLOUDSDK_CORE_PROJECT over the client libraries' variables",
    vars: {
      CLOUDSDK_CORE_PROJECT: 'env-core',
      GOOGLE_CLOUD_PROJECT: 'lib-google',
      GCLOUD_PROJECT: 'lib-gcloud',
    },
  },
  {
    name: 'GOOGLE_CLOUD_PROJECT (gcloud ignores it)',
    vars: { GOOGLE_CLOUD_PROJECT: 'lib-google' },
    ours: { project: 'lib-google', because: 'the variables come before gcloud configuration' },
  },
  {
    name: 'GCLOUD_PROJECT (gcloud ignores it)',
    vars: { GCLOUD_PROJECT: 'lib-gcloud', CLOUDSDK_ACTIVE_CONFIG_NAME: 'empty' },
    ours: { project: 'lib-gcloud', because: 'the variables come before gcloud configuration' },
  },
  {
    name: 'GOOGLE_CLOUD_PROJECT and GCLOUD_PROJECT',
    vars: { GOOGLE_CLOUD_PROJECT: 'lib-google', GCLOUD_PROJECT: 'lib-gcloud' },
    ours: { project: 'lib-google', because: 'GOOGLE_CLOUD_PROJECT is second, GCLOUD_PROJECT third' },
  },
  {
    name: 'gcp.project over everything',
    vars: { CLOUDSDK_CORE_PROJECT: 'env-core', GCLOUD_PROJECT: 'lib-gcloud' },
    configured: 'from-config',
    ours: { project: 'from-config', because: 'the config comes first' },
  },
];

// Rows in parallel: each is a gcloud start-up (about a second of CPU).
describe('project resolution against gcloud', {
  skip: !hasGcloud && 'gcloud is not installed',
  concurrency: 3,
}, () => {
  before(async () => {
    const env = baseEnv(CONFIGURED);
    for (const args of [
      ['config', 'set', 'project', 'proj-default'],
      ['config', 'configurations', 'create', 'work', '--no-activate'],
      ['config', 'set', 'project', 'proj-work', '--configuration', 'work'],
      ['config', 'configurations', 'create', 'empty', '--no-activate'],
    ]) {
      const r = await gcloud(env, ...args);
      assert.equal(r.code, 0, `gcloud ${args.join(' ')}: ${r.stderr}`);
    }
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const row of ROWS) {
    it(row.name, async () => {
      const env = { ...baseEnv(row.config ?? CONFIGURED), ...row.vars };
      const vars = row.vars ?? {};
      const library = Object.keys(vars).filter((k) => k === 'GOOGLE_CLOUD_PROJECT' || k === 'GCLOUD_PROJECT');
      // Only the library's variables can be told apart from gcloud's answer (the config and
      // CLOUDSDK_CORE_PROJECT win over them, whatever gcloud says).
      const libraryDecides = !row.configured && !('CLOUDSDK_CORE_PROJECT' in vars) && library.length > 0;
      const [theirs, ours] = await Promise.all([
        !row.ours || libraryDecides ? gcloudProject(env) : null,
        ourProject(row.configured ?? null, env),
      ]);
      if (!row.ours) {
        assert.equal(ours, theirs, `gcloud config get-value project says ${theirs}`);
        return;
      }
      assert.equal(ours, row.ours.project, row.ours.because);
      if (!libraryDecides) return;
      // gcloud indeed ignores the library's variables…
      for (const k of library) assert.notEqual(theirs, vars[k], `gcloud ignores ${k}`);
      // …which google-auth-library reads (alone: with both set it prefers GCLOUD_PROJECT).
      if (library.length === 1)
        assert.equal(ours, await libraryProject(vars), "google-auth-library's answer");
    });
  }
});
