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

/** How many problems (or warnings of one kind) are listed one per line; the rest are counted. */
const MAX_LISTED = 50;

/** The first MAX_LISTED items as lines (each may cost a search for its position), then their count. */
export function listedLines<T>(
  items: readonly T[],
  line: (item: T) => string,
  more: (count: number) => string,
): string[] {
  return [
    ...items.slice(0, MAX_LISTED).map((i) => line(i)),
    ...(items.length > MAX_LISTED ? [more(items.length - MAX_LISTED)] : []),
  ];
}
