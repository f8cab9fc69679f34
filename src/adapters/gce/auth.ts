// Access tokens for the Compute Engine API, cheapest source first:
// 1. CLOUDSDK_AUTH_ACCESS_TOKEN_FILE (gcloud's own override: one variable points both tools),
// 2. Application Default Credentials (google-auth-library, imported lazily: it is slow to load) —
//    only when an ADC file exists, so a laptop without ADC never waits on a metadata-server probe,
// 3. `gcloud auth print-access-token` (user credentials are not ADC), cached on disk (0600)
//    because gcloud takes a second or more to start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../../errors.js';
import { exec } from '../../util/exec.js';
import { addSecret, debug } from '../../util/log.js';
import { mymlopsHome } from '../../util/paths.js';
import { envValue } from '../../util/env.js';
import { HOME } from '../../util/home-layout.js';

export const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];
// gcloud refreshes a token that is about to expire before printing it; assume a few minutes of life.
const GCLOUD_TOKEN_TTL_MS = 5 * 60_000;

export interface TokenSource {
  token(): Promise<string>;
  /** Forget a token the API rejected (401), so the next call fetches a fresh one. */
  invalidate(): void;
  readonly description: string;
  /**
   * The project that user credentials' API calls are billed and rate-limited to, for APIs whose
   * URL names no project (the billing catalog): sent as `x-goog-user-project`. Null when none.
   */
  quotaProject?(): string | null;
}

function adcFile(env: NodeJS.ProcessEnv): string | null {
  const explicit = envValue('GOOGLE_APPLICATION_CREDENTIALS', env);
  if (explicit) return explicit;
  const cfg = envValue('CLOUDSDK_CONFIG', env) ?? join(homedir(), '.config', 'gcloud');
  const f = join(cfg, 'application_default_credentials.json');
  return existsSync(f) ? f : null;
}

class FileToken implements TokenSource {
  readonly description: string;
  constructor(private file: string) {
    this.description = `access token file ${file}`;
  }
  async token(): Promise<string> {
    let t: string;
    try {
      t = readFileSync(this.file, 'utf8').trim();
    } catch (e) {
      throw new UserError(
        `cannot read CLOUDSDK_AUTH_ACCESS_TOKEN_FILE ${this.file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        'point it at a file holding an access token, or unset it',
      );
    }
    if (!t)
      throw new UserError(
        `CLOUDSDK_AUTH_ACCESS_TOKEN_FILE ${this.file} is empty`,
        'write an access token into it',
      );
    addSecret(t);
    return t;
  }
  invalidate(): void {}
}

class AdcToken implements TokenSource {
  readonly description = 'Application Default Credentials';
  private client: { getAccessToken(): Promise<{ token?: string | null }> } | null = null;
  constructor(
    private file: string,
    private env: NodeJS.ProcessEnv,
  ) {}
  /** GOOGLE_CLOUD_QUOTA_PROJECT, else the ADC file's quota_project_id (as the client libraries). */
  quotaProject(): string | null {
    const fromEnv = envValue('GOOGLE_CLOUD_QUOTA_PROJECT', this.env);
    if (fromEnv) return fromEnv;
    try {
      const q = (JSON.parse(readFileSync(this.file, 'utf8')) as { quota_project_id?: unknown })
        .quota_project_id;
      return typeof q === 'string' && q ? q : null;
    } catch {
      return null; // unreadable: the token call says so
    }
  }
  async token(): Promise<string> {
    if (!this.client) {
      const { GoogleAuth } = await import('google-auth-library');
      this.client = (await new GoogleAuth({ scopes: SCOPES }).getClient()) as unknown as typeof this.client;
    }
    const r = await this.client!.getAccessToken();
    if (!r.token)
      throw new UserError(
        'Application Default Credentials gave no access token',
        'run `gcloud auth application-default login`',
      );
    addSecret(r.token);
    return r.token;
  }
  invalidate(): void {
    this.client = null;
  }
}

class GcloudToken implements TokenSource {
  readonly description = 'gcloud auth print-access-token';
  private cacheFile: string;
  private mem: { token: string; expires: number } | null = null;
  constructor(private env: NodeJS.ProcessEnv) {
    this.cacheFile = HOME.gcloudToken(mymlopsHome(env));
  }
  async token(): Promise<string> {
    const now = Date.now();
    if (!this.mem) {
      try {
        this.mem = JSON.parse(readFileSync(this.cacheFile, 'utf8')) as { token: string; expires: number };
      } catch {
        this.mem = null;
      }
    }
    if (this.mem && this.mem.expires > now + 30_000) {
      addSecret(this.mem.token);
      return this.mem.token;
    }
    let out: string;
    try {
      out = (
        await exec('gcloud', ['auth', 'print-access-token'], { env: this.env, timeoutMs: 60_000 })
      ).stdout.trim();
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UserError(
        missing
          ? 'no Google Cloud credentials found (no ADC file, gcloud not installed)'
          : `gcloud could not print an access token: ${(e as Error).message}`,
        'run `gcloud auth login` or `gcloud auth application-default login`',
      );
    }
    addSecret(out);
    this.mem = { token: out, expires: now + GCLOUD_TOKEN_TTL_MS };
    try {
      mkdirSync(dirname(this.cacheFile), { recursive: true });
      writeFileSync(this.cacheFile, JSON.stringify(this.mem), { mode: 0o600 });
    } catch (e) {
      debug('cannot cache gcloud token', String(e));
    }
    return out;
  }
  invalidate(): void {
    this.mem = { token: '', expires: 0 };
    try {
      writeFileSync(this.cacheFile, JSON.stringify(this.mem), { mode: 0o600 });
    } catch {
      // no cache to clear
    }
  }
}

export function tokenSource(env: NodeJS.ProcessEnv = process.env): TokenSource {
  const file = envValue('CLOUDSDK_AUTH_ACCESS_TOKEN_FILE', env);
  if (file) return new FileToken(file);
  const adc = adcFile(env);
  if (adc) return new AdcToken(adc, env);
  return new GcloudToken(env);
}

/**
 * Where the project comes from after `gcp.project`, in order: gcloud's own variable (which gcloud
 * itself honours), then the client libraries' two, which gcloud ignores (google-auth-library reads
 * both but prefers GCLOUD_PROJECT: only both set to different projects tells the orders apart).
 * The first one set wins even when empty, as gcloud refuses an empty CLOUDSDK_CORE_PROJECT.
 */
const PROJECT_VARIABLES = ['CLOUDSDK_CORE_PROJECT', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] as const;

/** The project named without asking gcloud: `gcp.project`, else the first variable set; null when none. */
export function configuredProject(configured: string | null, env: NodeJS.ProcessEnv): string | null {
  if (configured !== null && configured !== undefined) return configured;
  for (const name of PROJECT_VARIABLES) {
    const v = envValue(name, env);
    if (v !== undefined) return v;
  }
  return null;
}

/** The project every Compute Engine call uses: `configuredProject`, else gcloud's active configuration. */
export async function resolveProject(
  configured: string | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const named = configuredProject(configured, env);
  if (named) return named;
  // gcloud reads its active configuration (CLOUDSDK_ACTIVE_CONFIG_NAME, else the one `gcloud config
  // configurations activate` chose) under CLOUDSDK_CONFIG; offline, and an empty
  // CLOUDSDK_CORE_PROJECT makes it fail as it should.
  const r = await exec('gcloud', ['config', 'get-value', 'project'], {
    env,
    allowFail: true,
    timeoutMs: 30_000,
  }).catch(() => null);
  const p = r?.stdout.trim();
  if (p && r?.code === 0 && !p.startsWith('(unset)')) return p;
  throw new UserError(
    'no Google Cloud project configured',
    'set gcp.project in mymlops.yml, or CLOUDSDK_CORE_PROJECT, or run `gcloud config set project ID`',
  );
}
