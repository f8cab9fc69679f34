// The two IAM calls doctor makes about the VM's service account: serviceAccounts.get (does it
// exist, and may the caller see it) and serviceAccounts.testIamPermissions with
// iam.serviceAccounts.actAs (may the caller attach it to a VM). Base URL honours gcloud's
// CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM (the base without `v1/`), as the compute client does.
import type { TokenSource } from './auth.js';
import { endpointBase, httpCall } from './http.js';

export const DEFAULT_IAM_BASE = 'https://iam.googleapis.com/';

export function iamBase(env: NodeJS.ProcessEnv = process.env): string {
  return endpointBase('CLOUDSDK_API_ENDPOINT_OVERRIDES_IAM', DEFAULT_IAM_BASE, env);
}

/** What IAM said; null where it would not say (403 on the call itself, the IAM API disabled). */
export interface ServiceAccountAccess {
  exists: boolean | null;
  actAs: boolean | null;
  /** Why a question stayed unanswered (one line), or null. */
  problem: string | null;
}

const reasonOf = (text: string): string => {
  try {
    const e = (JSON.parse(text) as { error?: { message?: string; status?: string } }).error;
    return (e?.message ?? e?.status ?? '').split('\n')[0] ?? '';
  } catch {
    return '';
  }
};

export async function serviceAccountAccess(
  tokens: TokenSource,
  email: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceAccountAccess> {
  const url = `${iamBase(env)}v1/projects/-/serviceAccounts/${encodeURIComponent(email)}`;
  const headers = { Authorization: `Bearer ${await tokens.token()}`, 'Content-Type': 'application/json' };
  const problems: string[] = [];
  let exists: boolean | null = null;
  try {
    const r = await httpCall(url, { method: 'GET', headers, body: null, timeoutMs: 30_000 });
    if (r.ok) exists = true;
    else if (r.status === 404) exists = false;
    else problems.push(`serviceAccounts.get: HTTP ${r.status} ${reasonOf(r.text)}`.trim());
  } catch (e) {
    problems.push(`serviceAccounts.get: ${(e as Error).message}`);
  }
  if (exists === false) return { exists, actAs: null, problem: null };
  let actAs: boolean | null = null;
  try {
    const r = await httpCall(`${url}:testIamPermissions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ permissions: ['iam.serviceAccounts.actAs'] }),
      timeoutMs: 30_000,
    });
    if (r.ok) {
      const granted = (JSON.parse(r.text || '{}') as { permissions?: string[] }).permissions ?? [];
      actAs = granted.includes('iam.serviceAccounts.actAs');
    } else problems.push(`testIamPermissions: HTTP ${r.status} ${reasonOf(r.text)}`.trim());
  } catch (e) {
    problems.push(`testIamPermissions: ${(e as Error).message}`);
  }
  return { exists, actAs, problem: problems.length ? problems.join('; ') : null };
}
