import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandTemplate } from '../../../src/config/substitute.js';

// Each row is what Python's string.Template(text).substitute(values) gives for the original tool.
const values = { NAME: 'alice', DIR: '/keys', EMPTY: '' };
const cases: { text: string; want: string | { missing?: string[]; invalid?: string[] } }[] = [
  { text: 'plain', want: 'plain' },
  { text: '$NAME', want: 'alice' },
  { text: '${NAME}', want: 'alice' },
  { text: 'git@github.com:$NAME/repo.git', want: 'git@github.com:alice/repo.git' },
  { text: '$DIR/id_rsa', want: '/keys/id_rsa' },
  { text: '${NAME}_x', want: 'alice_x' },
  { text: '$NAME_x', want: { missing: ['NAME_x'] } },
  { text: '$$', want: '$' },
  { text: '$$NAME', want: '$NAME' },
  { text: '$$$NAME', want: '$alice' },
  { text: 'cost: 5$$', want: 'cost: 5$' },
  { text: '${EMPTY}', want: '' },
  { text: '$MISSING and ${ALSO}', want: { missing: ['MISSING', 'ALSO'] } },
  { text: 'price $5', want: { invalid: ['$5'] } },
  { text: 'trailing $', want: { invalid: ['$'] } },
  { text: '${not-a-name} x', want: { invalid: ['${not-a-name}'] } },
];

describe('config: placeholders as Python string.Template', () => {
  for (const c of cases) {
    it(JSON.stringify(c.text), () => {
      const r = expandTemplate(c.text, values, {});
      if (typeof c.want === 'string') {
        assert.ok(r.ok, JSON.stringify(r));
        assert.equal(r.value, c.want);
      } else {
        assert.ok(!r.ok, `expected an error, got ${JSON.stringify(r)}`);
        assert.deepEqual(r.missing, c.want.missing ?? []);
        assert.deepEqual(r.invalid, c.want.invalid ?? []);
      }
    });
  }

  it('takes .env first, then the environment, and says where each value came from', () => {
    const r = expandTemplate('$NAME $HOME', values, { NAME: 'env-name', HOME: '/home/a' });
    assert.ok(r.ok);
    assert.equal(r.value, 'alice /home/a');
    assert.deepEqual(
      r.used.map((u) => [u.name, u.fromDotenv]),
      [
        ['NAME', true],
        ['HOME', false],
      ],
    );
  });

  it('never reads inherited properties as values', () => {
    const r = expandTemplate('$constructor ${toString}', {}, {});
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, ['constructor', 'toString']);
  });

  it('notes a `$$NAME` that stays a literal', () => {
    const r = expandTemplate('$$HOME/x $$', values, {});
    assert.ok(r.ok);
    assert.deepEqual(r.literal, ['$HOME']);
  });
});
