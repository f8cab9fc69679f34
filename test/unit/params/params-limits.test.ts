// -p and -f parsing under odd input: a name set twice, a key named __proto__, very deep values,
// very many values. Each is one line or a correct result, never a silent choice or a crash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeAxes, parseParameterOption, parseParametersFile } from '../../../src/core/params/parse.js';
import { pythonLiteral } from '../../../src/core/params/python.js';
import { expand } from '../../../src/core/sweep/expand.js';
import { UserError } from '../../../src/errors.js';

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.doesNotMatch(e.line(), /\n/);
    return e.message;
  }
  assert.fail('expected an error');
}

describe('params: a name set twice in -f is an error, never one of them silently', () => {
  it('a fixed seed after a sweep of seeds', () => {
    const text = 'sweep:\n  seed: 0..2\n  lr: [0.1, 0.2]\nseed: 5\n';
    assert.equal(
      userError(() => parseParametersFile(text, 'p.yml')),
      'p.yml:4: parameter seed is already set at line 2 (a fixed value and a sweep)',
    );
  });
  it('a fixed seed before a sweep of seeds', () => {
    assert.match(
      userError(() => parseParametersFile('seed: 5\nsweep:\n  seed: 0..2\n', 'p.yml')),
      /^p\.yml:3: parameter seed is already set at line 1 \(a fixed value and a sweep\)$/,
    );
  });
  it('a fixed value written twice', () => {
    assert.equal(
      userError(() => parseParametersFile('a: 1\nb: 2\na: 3\n', 'p.yml')),
      'p.yml:3: parameter a is already set at line 1',
    );
  });
  it('a sweep without repeats still runs the product', () => {
    const runs = expand(
      mergeAxes(parseParametersFile('epochs: 3\nsweep:\n  seed: 0..2\n  lr: [0.1, 0.2]\n', 'p.yml')),
    );
    assert.equal(runs.length, 6);
  });
});

describe('params: keys and sizes', () => {
  it('-p a={__proto__: 1, b: 2} keeps both keys', () => {
    const axis = parseParameterOption('a={__proto__: 1, b: 2}');
    const v = axis.values[0] as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.equal(pythonLiteral(axis.values[0]!), '{"__proto__": 1, "b": 2}');
  });

  it('a key written twice inside a -p mapping is one line', () => {
    assert.match(
      userError(() => parseParameterOption('a={x: 1, x: 2}')),
      /^-p a: the key "x" is written twice$/,
    );
  });

  it('-p a=[[[…]]] 8,000 deep is one line', () => {
    const deep = `a=${'['.repeat(8000)}${']'.repeat(8000)}`;
    assert.equal(
      userError(() => parseParameterOption(deep)),
      '-p a: the value nests more than 64 levels deep',
    );
  });

  it('-f nested 8,000 deep in block style is one line', () => {
    assert.match(
      userError(() => parseParametersFile(`a:\n${'- '.repeat(8000)}1\n`, 'p.yml')),
      /^p\.yml: the value nests more than 64 levels deep$/,
    );
  });

  it('-f with 20,000 values parses and expands (linear: no per-value copy of the run)', () => {
    const text = `${Array.from({ length: 20_000 }, (_, i) => `p${i}: ${i}\n`).join('')}sweep:\n  seed: 0..2\n`;
    const runs = expand(mergeAxes(parseParametersFile(text, 'p.yml')));
    assert.equal(runs.length, 3);
    assert.equal(Object.keys(runs[2]!.values).length, 20_001);
    assert.equal(runs[2]!.values['p19999'], 19999);
    assert.equal(runs[2]!.values['seed'], 2);
  });
});
