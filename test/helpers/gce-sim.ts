// The project's Compute Engine simulator for tests, with the environment that points both mymlops
// and gcloud at it (endpoint override, token file, project, billing endpoint, MYMLOPS_HOME), and the
// two clients the tests read it with: mymlops's own GceClient and the real gcloud.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fixture } from '../../sim/gce/fixture.js';
import { createGceSim, type GceSim, type SimOptions } from '../../sim/gce/server.js';
import { GceClient } from '../../src/adapters/gce/client.js';
import { runAsync } from './cli.js';

export const PROJECT = 'mymlops-test';
const TOKEN = 'test-access-token';

/** Whether a `gcloud` is on PATH: the tests that use it as a second client skip without it. */
export const hasGcloud = (process.env['PATH'] ?? '').split(':').some((d) => existsSync(join(d, 'gcloud')));

export interface SimEnv {
  sim: GceSim;
  env: Record<string, string>;
  /** `env` plus a gcloud of its own: a temp CLOUDSDK_CONFIG, no prompts, no update check, no usage reports. */
  gcloudEnv: Record<string, string>;
  home: string;
  fault(zone: string | null, code: string, extra?: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  preempt(instance: string): Promise<void>;
  /** Holds requests whose path matches `path` (before they are carried out, or after) until release(). */
  hold(path: string, when: 'before' | 'after', method?: string): Promise<void>;
  /** How many requests wait on holds now. */
  held(): number;
  release(): Promise<void>;
  /** `/_sim/quotas`: limits (`project`, `regions`) and `computeApiEnabled`. */
  quotas(body: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startSim(tmp: string, opts: SimOptions & { fixture?: Fixture } = {}): Promise<SimEnv> {
  // The shutdown graces are real time: 30 s (spot) and 120 s (standard) on GCE, shortened here.
  const sim = await createGceSim({
    bootDelayMs: 30,
    sandboxRoot: join(tmp, 'vms'),
    spotGraceMs: 1500,
    standardGraceMs: 1500,
    ...opts,
  });
  const home = join(tmp, 'home');
  mkdirSync(home, { recursive: true });
  const tokenFile = join(tmp, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const env = {
    MYMLOPS_HOME: home,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: sim.computeBase,
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: tokenFile,
    CLOUDSDK_CORE_PROJECT: PROJECT,
    MYMLOPS_BILLING_ENDPOINT: sim.billingBase,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM: sim.iamBase,
    MYMLOPS_GCE_LOG_POLL_MS: '100',
  };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    await r.text();
  };
  const gcloudEnv = {
    ...env,
    CLOUDSDK_CONFIG: join(tmp, 'gcloud-config'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1',
  };
  return {
    sim,
    env,
    gcloudEnv,
    home,
    fault: (zone, code, extra = {}) => post('/_sim/faults', { ...(zone ? { zone } : {}), code, ...extra }),
    clearFaults: () => post('/_sim/faults', { clear: true }),
    preempt: (instance) => post('/_sim/preempt', { instance }),
    hold: (path, when, method = '*') => post('/_sim/hold', { path, when, method }),
    held: () => sim.compute.world.holds.reduce((n, h) => n + h.waiting.length, 0),
    release: () => post('/_sim/release', {}),
    quotas: (body) => post('/_sim/quotas', body),
    close: () => sim.close(),
  };
}

/** mymlops's own Compute Engine client, on the simulator as project PROJECT with the test token. */
export function simClient(s: SimEnv): GceClient {
  return new GceClient({
    project: PROJECT,
    base: s.sim.computeBase,
    tokens: { token: async () => TOKEN, invalidate: () => {} } as never,
  });
}

/** `gcloud ...args` in `env`, which must exit 0; its stdout. */
export async function gcloudOk(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await runAsync('gcloud', args, { env, timeoutMs: 90_000 });
  assert.equal(r.code, 0, `gcloud ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

/**
 * A gce mymlops.yml whose instance the simulator serves (snapshot mymlops-base in us-*), with no
 * progress interval; `accelerator` adds one GPU, `extra` is more of the `commit:` block (indented).
 */
export function simConfigYaml(o: {
  command: string;
  origin: string;
  out: string;
  accelerator?: string;
  extra?: string;
}): string {
  const accelerator = o.accelerator ? `    accelerator: ${o.accelerator}\n` : '';
  return `backend: gce
commit:
  command: ${JSON.stringify(o.command)}
  instance:
    zone_regex: us-.*
    machine_type: n1-standard-4
    snapshot: mymlops-base
${accelerator}  repository:
    url: ${JSON.stringify(o.origin)}
  output_repository:
    url: ${JSON.stringify(o.out)}
  progress_interval: 0
${o.extra ?? ''}`;
}
