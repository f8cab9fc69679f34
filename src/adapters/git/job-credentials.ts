// The contract for handing URL credentials to the job on the machine, as deploy keys are handed:
// a file in the job's keys/ folder (mode 0600), never job.json, argv or the job log.
//
//   keys/repository.cred   credentials for commit.repository.url   (the job fetches with them)
//   keys/output.cred       credentials for commit.output_repository.url (the job pushes with them)
//
// Each file is two lines, `username=<name>` and `password=<secret>` (git's credential format), for
// the URL in job.json, which carries the URL with its userinfo stripped. The job uses it by running
// git with `-c credential.helper= -c 'credential.helper=!f() { test "$1" = get && cat "$J/keys/repository.cred"; }; f'`
// (the empty value first drops any other helper), so no process's argv ever holds the secret.
import type { UrlCredentials } from '../../core/snapshot/url.js';
import { UserError } from '../../errors.js';

/** The text of keys/<name>.cred. Values with a newline cannot be expressed and are refused. */
export function credentialFileText(c: UrlCredentials): string {
  if (/[\n\r\0]/.test(c.username + c.password))
    throw new UserError('a credential in a repository URL contains a line break', 'remove it from the URL');
  return `username=${c.username}\npassword=${c.password}\n`;
}
