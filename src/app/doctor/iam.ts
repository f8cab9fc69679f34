// The service-account check of `mymlops doctor`, said as honestly as IAM answered: whether the
// account exists and whether the caller holds iam.serviceAccounts.actAs on it, or which of those
// could not be asked.
import type { TokenSource } from '../../adapters/gce/auth.js';
import { serviceAccountAccess } from '../../adapters/gce/iam.js';
import type { Verdict } from '../../core/doctor/checks.js';

const ROLE_FIX = (email: string) =>
  `ask for roles/iam.serviceAccountUser on ${email} (gcloud iam service-accounts add-iam-policy-binding ${email} --member=user:YOU --role=roles/iam.serviceAccountUser)`;

export async function serviceAccountCheck(
  tokens: TokenSource,
  email: string,
  isDefault: boolean,
  env: NodeJS.ProcessEnv,
): Promise<Verdict> {
  const a = await serviceAccountAccess(tokens, email, env);
  const who = isDefault ? `the default compute service account ${email}` : email;
  if (a.exists === false)
    return {
      state: 'fail',
      detail: `${who} does not exist`,
      fix: 'set gcp.service_account to an existing account (gcloud iam service-accounts list), or create it',
    };
  if (a.actAs === false) return { state: 'fail', detail: `you may not act as ${who}`, fix: ROLE_FIX(email) };
  if (a.actAs === true)
    return {
      state: 'ok',
      detail: `${who} exists and you may act as it (iam.serviceAccounts.actAs)`,
      fix: null,
    };
  // IAM would not answer: say what was and was not checked instead of passing or failing blind.
  const known = a.exists ? 'exists' : isDefault ? 'is named by projects.get' : 'is configured';
  return {
    state: 'ok',
    detail: `${who} ${known}; whether you may act as it was not checked (${a.problem ?? 'IAM did not answer'}) — a launch needs roles/iam.serviceAccountUser on it`,
    fix: null,
  };
}
