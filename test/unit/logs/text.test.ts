// The pure log text rules of `mymlops logs`: --tail, machine name → commit id, and lining up a
// live log printed so far with the job.log the job published.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitOfMachine, tailLines, unprintedPart } from '../../../src/core/logs/text.js';
import { retryRefusal } from '../../../src/core/retry/retry.js';

describe('tailLines', () => {
  const cases: [string, number, string][] = [
    ['a\nb\nc\n', 2, 'b\nc\n'],
    ['a\nb\nc', 2, 'b\nc\n'],
    ['a\nb\n', 5, 'a\nb\n'],
    ['a\nb\n', 0, ''],
    ['', 3, ''],
    ['a\n\nb\n', 2, '\nb\n'],
  ];
  for (const [text, n, want] of cases)
    it(`${JSON.stringify(text)} --tail ${n}`, () => assert.equal(tailLines(text, n), want));
});

describe('commitOfMachine', () => {
  const cases: [string, string | null][] = [
    ['mymlops-20241107-035340', '20241107_035340'],
    ['mymlops-20241107-035340-a3', '20241107_035340'],
    ['mymlops-20241107-035340-2', '20241107_035340_2'],
    ['mymlops-20241107-035340-2-a2', '20241107_035340_2'],
    ['mymlops-dev-box', null],
    ['20241107_035340', null],
  ];
  for (const [name, want] of cases) it(name, () => assert.equal(commitOfMachine(name), want));
});

describe('unprintedPart', () => {
  const pub = 'one\ntwo\nthree\nfour\n';
  const cases: [string, string, { text: string; lined: boolean }][] = [
    ['nothing printed yet: all of it', '', { text: pub, lined: true }],
    ['a prefix: the rest', 'one\ntwo\n', { text: 'three\nfour\n', lined: true }],
    ['a half line printed: the rest of that line on', 'one\ntwo\nth', { text: 'ree\nfour\n', lined: true }],
    [
      'printed with a prefix the copy lacks (serial console)',
      'boot\nx two\nthree\n',
      { text: 'four\n', lined: true },
    ],
    ['nothing in common: all of it, not lined up', 'other\n', { text: pub, lined: false }],
    ['all printed: nothing', pub, { text: '', lined: true }],
  ];
  for (const [what, printed, want] of cases)
    it(what, () => assert.deepEqual(unprintedPart(printed, pub), want));
});

describe('retryRefusal', () => {
  const cases: [string | null, boolean, boolean][] = [
    ['succeeded', false, true],
    ['succeeded', true, false],
    ['failed', false, false],
    ['stopped', false, false],
    [null, false, false],
  ];
  for (const [status, force, refused] of cases)
    it(`${status} force=${force}`, () => {
      const e = retryRefusal('20250101_000001', status as never, force);
      assert.equal(e !== null, refused);
      if (e) assert.match(e.fix ?? '', /mymlops retry 20250101_000001 --force/);
    });
});
