// Tab candidates from the real commander program: every public command and alias is offered, no
// internal one; the oracle for "public" is the Commands section of `mymlops --help`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completeWords } from '../../src/core/completion.js';
import { buildProgram } from '../../src/program.js';

const IDS = ['20261204_174509', '20261203_101010'];
const DEVS = ['mymlops-dev', 'notebook-box'];

function complete(line: string): string[] {
  const words = ['mymlops', ...line.split(' ')];
  return completeWords(
    buildProgram(),
    words,
    words.length - 1,
    () => IDS,
    () => DEVS,
  );
}

/** Every command word `mymlops --help` shows: `name|alias1|alias2 [args]` lines under "Commands:". */
function helpCommandWords(): string[] {
  const help = buildProgram().helpInformation();
  const section = help.slice(help.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}(\S+)/gm)].flatMap((m) => m[1]!.split('|'));
}

test('mymlops <TAB> offers exactly the commands --help lists and every alias the parser accepts', () => {
  // --help shows a command's first alias only; the original's `startup_logs` is the second.
  const want = [...helpCommandWords(), 'startup_logs'];
  assert.deepEqual(complete('').sort(), [...new Set(want)].sort());
  const program = buildProgram();
  for (const w of complete(''))
    assert.ok(
      program.commands.some((c) => c.name() === w || c.aliases().includes(w)) || w === 'help',
      `${w} is a command the parser runs`,
    );
  assert.ok(!complete('').some((w) => w.startsWith('__')), 'no internal command');
});

const TABLE: [line: string, want: string[]][] = [
  ['st', ['status', 'start', 'startup-logs', 'startup_logs', 'stop']],
  ['startup', ['startup-logs', 'startup_logs']],
  ['__', []],
  ['__sw', []],
  ['co', ['commit', 'completion']],
  ['logs ', [...IDS, ...DEVS]],
  ['startup_logs 2026120', IDS],
  ['startup-logs note', ['notebook-box']],
  ['retry ', IDS],
  ['completion ', ['bash', 'zsh', 'fish']],
  ['__sweep-scheduler ', []],
  ['stop ', DEVS],
  ['ssh ', [...DEVS, ...IDS]],
  ['cancel ', IDS],
  ['start --name ', DEVS],
];

for (const [line, want] of TABLE)
  test(`"mymlops ${line}<TAB>"`, () => {
    assert.deepEqual(complete(line).sort(), [...want].sort());
  });
