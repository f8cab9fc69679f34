// Text from an output repository or a notebook (notes, notebook and metric names, errors, URLs) is
// untrusted: printed raw, a control character could write the clipboard (OSC 52), retitle the
// window or move the cursor. Every control character is shown escaped (`\x1b`); printable Unicode
// stays as it is.

// C0 controls, DEL, C1 controls, and the bidirectional overrides that reorder what is shown.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** An own property's value, never one inherited from Object.prototype (`valueOf`, `constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
