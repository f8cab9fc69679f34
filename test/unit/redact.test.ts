// Redaction by meaning: which values count as secrets, every form a secret is printed in, and
// secrets that arrive in pieces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSecret, couldBeSecret, redact, StreamRedactor } from '../../src/util/redact.js';

describe('couldBeSecret', () => {
  const cases: [string, boolean][] = [
    ['true', false],
    ['3600', false],
    ['86400000', false],
    ['1.5e10', false],
    ['enabled', false],
    ['production', false],
    ['hunter22', true],
    ['correcthorsebatterystaple', true],
    ['ghp_abc123', true],
    ['  short  ', false],
  ];
  for (const [v, want] of cases)
    it(`${JSON.stringify(v)} → ${want}`, () => assert.equal(couldBeSecret(v), want));
});

describe('redact', () => {
  const secret = 'pa"ss\\wörd 42/x&y';
  addSecret(secret);
  // Values under secret names that are not secrets: never replaced anywhere.
  addSecret('true');
  addSecret('3600');

  it('leaves a JSON body with harmless values valid and unchanged', () => {
    const body = { ok: true, ttl: 3600, notes: 'true 3600', nested: [true, false, 3600] };
    const text = JSON.stringify(body);
    assert.equal(redact(text), text);
    assert.deepEqual(JSON.parse(redact(text)), body);
  });

  it('replaces the secret as written, JSON-escaped (as JS and Python print it) and URL-encoded', () => {
    const forms = [
      secret,
      JSON.stringify({ v: secret }),
      JSON.stringify({ v: secret }).replace('ö', '\\u00f6'),
      `https://x.example/?p=${encodeURIComponent(secret)}`,
      `p=${encodeURIComponent(secret).replaceAll('%20', '+')}`,
    ];
    for (const f of forms) {
      const out = redact(f);
      assert.ok(out.includes('***'), out);
      assert.ok(!out.includes('wörd') && !out.includes('w%C3%B6rd') && !out.includes('w\\u00f6rd'), out);
    }
    assert.deepEqual(JSON.parse(redact(JSON.stringify({ v: `a ${secret} b` }))), { v: 'a *** b' });
  });

  it('redacts a secret that arrives one character at a time', () => {
    const s = new StreamRedactor();
    let printed = '';
    for (const ch of `before ${secret} after\n`) printed += s.push(ch);
    printed += s.flush();
    assert.equal(printed, 'before *** after\n');
  });

  it('redacts URL credentials split across pieces', () => {
    const s = new StreamRedactor();
    let printed = '';
    for (const piece of ['cloning htt', 'ps://alice:ghp_tok', 'en123@github.com/a/b', '.git\n'])
      printed += s.push(piece);
    printed += s.flush();
    assert.equal(printed, 'cloning https://alice:***@github.com/a/b.git\n');
  });

  it('holds back nothing once a piece cannot start a secret', () => {
    const s = new StreamRedactor();
    assert.equal(s.push('pa'), '');
    assert.equal(s.push('ge 1\n'), 'page 1\n');
    assert.equal(s.push('pa"'), '');
    assert.equal(s.flush(), 'pa"');
  });
});
