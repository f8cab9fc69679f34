// The contract for handing URL credentials to the job on the machine, as deploy keys are handed:
// a file in the job's keys/ folder (mode 0600), never job.json, argv or the job log.
//
//   keys/repository.cred   credentials for commit.repository.url   (the job fetches with them)
//   keys/output.cred       credentials for commit.output_repository.url (the job pushes with them)
//
// Dev machines (`mymlops start`) take keys/repository.cred for start.repository.url the same way
// (assets/devvm/start.sh clones with it; the clone's config names the file for later pulls).
//
// Each file is two lines, `username=<name>` and `password=<secret>` (git's credential format), for
// the URL in job.json, which carries the URL with its userinfo stripped. The job (assets/job/job.sh,
// cred_args) uses it by running git with
//   -c credential.helper= -c 'credential.<scheme://host[:port]>.helper=!f() { test "$1" = get && cat <file>; }; f'
// (the empty value first drops any other helper; the URL-scoped key keeps the secret from another
// host, e.g. a submodule's), so no process's argv ever holds the secret. The local backend writes the
// files itself; on GCE they travel as instance metadata `mymlops-key-repository-cred` /
// `mymlops-key-output-cred` and the startup script writes them, then scrubs them, like deploy keys.
import type { CommitPlan } from '../../core/ports/backend.js';
import type { UrlCredentials } from '../../util/url.js';
import { UserError } from '../../errors.js';

/** The text of keys/<name>.cred. Values with a newline cannot be expressed and are refused. */
export function credentialFileText(c: UrlCredentials): string {
  if (/[\n\r\0]/.test(c.username + c.password))
    throw new UserError('a credential in a repository URL contains a line break', 'remove it from the URL');
  return `username=${c.username}\npassword=${c.password}\n`;
}

/** The plan's URL credentials as key files: `repository.cred` / `output.cred` → file text. */
export function credentialKeyFiles(credentials: CommitPlan['credentials']): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, c] of Object.entries(credentials)) if (c) files[`${name}.cred`] = credentialFileText(c);
  return files;
}
