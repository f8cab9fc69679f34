// The one table from a backend's launch failure to what the user is told, for every launch:
// a commit, its relaunch (retry, automatic or not), a dev machine.
import { UserError } from '../errors.js';
import type { LaunchFailure } from './ports/backend.js';

export type LaunchSubject =
  | { kind: 'commit' }
  | { kind: 'retry'; commitId: string }
  | { kind: 'start'; name: string };

export function launchFailureError(s: LaunchSubject, f: LaunchFailure): UserError {
  if (s.kind === 'commit')
    return new UserError(`could not start the job: ${f.message}`, 'see the message above; nothing was run');
  if (s.kind === 'retry')
    return new UserError(`could not relaunch commit ${s.commitId}: ${f.message}`, 'try again later');
  const name = s.name;
  const tried = f.zonesTried.length ? ` (tried ${f.zonesTried.map((z) => z.zone).join(', ')})` : '';
  switch (f.code) {
    case 'exists':
      return new UserError(f.message, 'pick another --name');
    case 'no_capacity':
      return new UserError(
        `no zone had capacity for dev VM ${name}${tried}`,
        'try again later, or widen start.instance.zone_regex',
      );
    case 'quota':
      return new UserError(
        `quota exceeded for dev VM ${name}${tried}: ${f.message}`,
        'ask for more quota, or pick another machine_type/accelerator',
      );
    case 'permission':
      return new UserError(
        `not allowed to create dev VM ${name}: ${f.message}`,
        'check the account and project (gcloud auth list)',
      );
    default:
      return new UserError(
        `could not start dev machine ${name}: ${f.message}`,
        'fix the cause above and run mymlops start again',
      );
  }
}
