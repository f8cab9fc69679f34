// The simulator's reading of systemd unit files (sim/gce/guest-units.ts): the syntax systemd.syntax(7)
// and systemd.service(5) give, on texts shaped like the guest agent's units. The package's own files
// are read in test/integration/gce/guest-units.test.ts.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseSeconds, scriptUnit } from '../../../sim/gce/guest-units.js';

it('reads ExecStart, ExecStop, KillMode and TimeoutStopSec of the [Service] section', () => {
  const u = scriptUnit(
    'x.service',
    `[Unit]
Description=KillMode=none in another section is not the service's
# ExecStop=/commented/out
[Service]
Type=oneshot
ExecStart=/bin/true
ExecStop=/usr/bin/google_metadata_script_runner \\
  shutdown
TimeoutStopSec=1min 30s
KillMode=process
`,
  );
  assert.deepEqual(u, {
    name: 'x.service',
    execStart: [['/bin/true']],
    execStop: [['/usr/bin/google_metadata_script_runner', 'shutdown']],
    killMode: 'process',
    timeoutStopMs: 90_000,
  });
});

it("systemd's defaults and resets: KillMode control-group, 90 s, an empty ExecStart= clears the list", () => {
  const u = scriptUnit('y.service', '[Service]\nExecStart=/a\nExecStart=\nExecStart=-/b one\n');
  assert.deepEqual(u.execStart, [['/b', 'one']]);
  assert.equal(u.killMode, 'control-group');
  assert.equal(u.timeoutStopMs, 90_000);
  assert.throws(() => scriptUnit('z.service', '[Service]\nKillMode=everything\n'), /unknown KillMode/);
});

it('durations as systemd.time(7) writes them', () => {
  const cases: [string, number][] = [
    ['90s', 90_000],
    ['90', 90_000],
    ['2min', 120_000],
    ['500ms', 500],
    ['infinity', Number.POSITIVE_INFINITY],
  ];
  for (const [text, ms] of cases) assert.equal(parseSeconds(text), ms, text);
});
