/** Compile a user pattern anchored at the start (Python re.match, as the original), or null when it is not valid. */
export function safeRegExp(source: string): RegExp | null {
  try {
    return new RegExp(`^(?:${source})`);
  } catch {
    return null;
  }
}
