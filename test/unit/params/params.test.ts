// Parameters: YAML parsing of -p and -f, the sweep product, and the injected cell's python, whose
// expected strings follow papermill's PythonTranslator (no black): str(int), repr(float),
// True/False/None, strings through unicode_escape with `"` escaped, lists and dicts joined by ", ".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeAxes, parseParameterOption, parseParametersFile } from '../../../src/core/params/parse.js';
import {
  canInject,
  kernelLanguage,
  type ParamValue,
  PyFloat,
  parametersCell,
  pyFloatRepr,
  pythonLiteral,
} from '../../../src/core/params/python.js';
import { expand, groupIdFor, isGroupId, runCount } from '../../../src/core/sweep/expand.js';
import { UserError } from '../../../src/errors.js';

describe('pyFloatRepr (python repr(float))', () => {
  const table: [number, string][] = [
    [0.001, '0.001'],
    [3e-4, '0.0003'],
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [2.5e-7, '2.5e-07'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.5e300, '1.5e+300'],
    [123456.789, '123456.789'],
    [3, '3.0'],
    [-0, '-0.0'],
    [0, '0.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [12345678901234568, '1.2345678901234568e+16'],
    [-2.5, '-2.5'],
    [Number.NaN, "float('nan')"],
    [Number.POSITIVE_INFINITY, "float('inf')"],
    [Number.NEGATIVE_INFINITY, "float('-inf')"],
  ];
  for (const [x, want] of table) it(`${x} → ${want}`, () => assert.equal(pyFloatRepr(x), want));
});

describe('pythonLiteral (papermill PythonTranslator.translate)', () => {
  const table: [ParamValue, string][] = [
    [null, 'None'],
    [true, 'True'],
    [false, 'False'],
    [0, '0'],
    [-7, '-7'],
    [new PyFloat(3), '3.0'],
    [0.5, '0.5'],
    ['abc', '"abc"'],
    ["it's", '"it\'s"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['a\\b', '"a\\\\b"'],
    ['tab\there', '"tab\\there"'],
    ['line\nnext', '"line\\nnext"'],
    ['é', '"\\xe9"'],
    ['€', '"\\u20ac"'],
    ['😀', '"\\U0001f600"'],
    ['\x00\x7f', '"\\x00\\x7f"'],
    [[1, 'a', null, [true]], '[1, "a", None, [True]]'],
    [[], '[]'],
    [{ a: 1, 'b c': [new PyFloat(1e-5)] }, '{"a": 1, "b c": [1e-05]}'],
  ];
  for (const [v, want] of table)
    it(`${JSON.stringify(v)} → ${want}`, () => assert.equal(pythonLiteral(v), want));

  it('codifies a cell as papermill does: the comment, then one assignment a line', () => {
    const cell = parametersCell(
      new Map<string, ParamValue>([
        ['lr', new PyFloat(3e-4)],
        ['seed', 0],
        ['name', 'run 1'],
      ]),
    );
    assert.equal(cell, '# Parameters\nlr = 0.0003\nseed = 0\nname = "run 1"\n');
  });
});

describe('kernel language', () => {
  const table: [Record<string, unknown> | undefined, string, boolean][] = [
    [undefined, 'python', true],
    [{ kernelspec: { language: 'python', name: 'python3' } }, 'python', true],
    [{ language_info: { name: 'Python' } }, 'Python', true],
    [{ kernelspec: { language: 'R' } }, 'R', false],
    [{ kernelspec: { name: 'julia-1.9' }, language_info: { name: 'julia' } }, 'julia', false],
  ];
  for (const [meta, lang, ok] of table)
    it(`${JSON.stringify(meta)} → ${lang}`, () => {
      assert.equal(kernelLanguage(meta), lang);
      assert.equal(canInject(lang), ok);
    });
});

/** An axis as comparable data: the literal each value injects. */
const shown = (text: string) => {
  const a = parseParameterOption(text);
  return [a.name, a.values.map(pythonLiteral)];
};

describe('parseParameterOption (-p name=value)', () => {
  const table: [string, [string, string[]]][] = [
    ['lr=3e-4', ['lr', ['0.0003']]],
    ['lr=1e-3,3e-4', ['lr', ['0.001', '0.0003']]],
    ['epochs=10', ['epochs', ['10']]],
    ['x=3.0', ['x', ['3.0']]],
    ['x=0x10', ['x', ['16']]],
    ['flag=true', ['flag', ['True']]],
    ['flag=yes', ['flag', ['"yes"']]],
    ['v=null', ['v', ['None']]],
    ['v=~', ['v', ['None']]],
    ['name=resnet', ['name', ['"resnet"']]],
    ['msg=hello world', ['msg', ['"hello world"']]],
    ['msg="a, b"', ['msg', ['"a, b"']]],
    ["msg='it''s'", ['msg', ['"it\'s"']]],
    ['layers=[64, 32]', ['layers', ['[64, 32]']]],
    ['layers=[64,32],[16]', ['layers', ['[64, 32]', '[16]']]],
    ['seed=0..2', ['seed', ['0', '1', '2']]],
    ['seed=0..1,5', ['seed', ['0', '1', '5']]],
    ['seed="0..2"', ['seed', ['"0..2"']]],
    ['opt={name: adam, lr: 0.1}', ['opt', ['{"name": "adam", "lr": 0.1}']]],
    ['s=x]', ['s', ['"x]"']]],
    ['big=.inf', ['big', ["float('inf')"]]],
  ];
  for (const [text, want] of table) it(text, () => assert.deepEqual(shown(text), want));

  const bad: [string, RegExp][] = [
    ['lr', /-p lr: expected name=value/],
    ['=3', /expected name=value/],
    ['1x=3', /parameter name "1x" is not a python identifier/],
    ['class=3', /"class" is not a python identifier/],
    ['my-lr=3', /"my-lr" is not a python identifier/],
    ['x=', /-p x has no value/],
    ['seed=3..1', /the range 3\.\.1 is empty/],
    ['seed=0..5000', /has 5001 values/],
    ['n=123456789012345678901', /too large/],
  ];
  for (const [text, re] of bad)
    it(`refuses ${text}`, () => {
      assert.throws(
        () => parseParameterOption(text),
        (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'),
      );
    });
});

describe('parseParametersFile (-f file.yml)', () => {
  it('reads fixed values (lists stay lists) and the sweep: mapping as axes', () => {
    const axes = parseParametersFile(
      'epochs: 10\nlayers: [64, 32]\nsweep:\n  lr: [1e-3, 3e-4]\n  seed: 0..2\n  tag: one\n',
      'p.yml',
    );
    assert.deepEqual(
      axes.map((a) => [a.name, a.values.map(pythonLiteral)]),
      [
        ['epochs', ['10']],
        ['layers', ['[64, 32]']],
        ['lr', ['0.001', '0.0003']],
        ['seed', ['0', '1', '2']],
        ['tag', ['"one"']],
      ],
    );
  });
  it('an empty file has no parameters', () => assert.deepEqual(parseParametersFile('# none\n', 'p.yml'), []));

  const bad: [string, RegExp][] = [
    ['- 1\n- 2\n', /^p\.yml:1: expected a mapping/],
    ['a: 1\n2b: 3\n', /^p\.yml:2: parameter name "2b"/],
    ['a: 1\nb: [1, 2\n', /^p\.yml:\d+: /],
    ['a: 1\nsweep:\n  lr: []\n', /^p\.yml:3: sweep lr has no values/],
  ];
  for (const [text, re] of bad)
    it(`refuses ${JSON.stringify(text)}`, () =>
      assert.throws(
        () => parseParametersFile(text, 'p.yml'),
        (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'),
      ));
});

describe('sweeps', () => {
  it('-p overrides -f, keeping the file order (papermill merges the same way)', () => {
    const axes = mergeAxes(parseParametersFile('a: 1\nb: 2\n', 'p.yml'), [parseParameterOption('a=5')]);
    assert.deepEqual(
      axes.map((a) => [a.name, a.values]),
      [
        ['a', [5]],
        ['b', [2]],
      ],
    );
  });

  it('expands 2×3 to the product, the last axis fastest, each with its cell', () => {
    const axes = [parseParameterOption('lr=1e-3,3e-4'), parseParameterOption('seed=0..2')];
    assert.equal(runCount(axes), 6);
    const runs = expand(axes);
    assert.deepEqual(
      runs.map((r) => r.values),
      [
        { lr: 0.001, seed: 0 },
        { lr: 0.001, seed: 1 },
        { lr: 0.001, seed: 2 },
        { lr: 0.0003, seed: 0 },
        { lr: 0.0003, seed: 1 },
        { lr: 0.0003, seed: 2 },
      ],
    );
    assert.equal(runs[4]!.cell, '# Parameters\nlr = 0.0003\nseed = 1\n');
  });

  it('no axes is one run with no values', () =>
    assert.deepEqual(expand([]), [{ values: {}, cell: '# Parameters\n' }]));

  it('refuses a product above the cap', () => {
    const axes = [parseParameterOption('a=0..99'), parseParameterOption('b=0..99')];
    assert.throws(() => expand(axes), /expands to 10000 runs/);
  });

  it('group ids', () => {
    assert.equal(groupIdFor('20240102_030405'), '20240102_030405g');
    assert.ok(isGroupId('20240102_030405_2g'));
    assert.ok(!isGroupId('20240102_030405'));
  });
});
