// The error every config problem becomes.
import { UserError } from '../errors.js';

/** Config problems exit 2 (usage or config error); one problem is one line (plus an excerpt). */
export class ConfigError extends UserError {
  constructor(
    readonly problems: string[],
    excerpt: string[] = [],
  ) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems in the config`, undefined, {
      details: problems.length === 1 ? excerpt : problems,
      exitCode: 2,
    });
  }
}
