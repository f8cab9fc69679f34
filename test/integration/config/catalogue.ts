// The conformance catalogue: mymlops.yml + .env pairs generated from a table of features — forms of
// each kind of value (ports, strings, URLs, links, zone regexes), the ways a value reaches its key
// (written, `$NAME`, `${NAME}`, quoted placeholder, inside a list), .env syntax, and whole-file layouts.

export interface Case {
  name: string;
  yml: string;
  env: string;
}

interface Parts {
  command: string;
  zone: string;
  machine: string;
  snapshot: string;
  accelerator: string | null;
  url: string;
  deployKey: string;
  branch: string | null;
  outUrl: string;
  startCommand: string;
  links: string[];
  localPortMin: string;
  remotePorts: string;
  extraCommit: string;
  extraTop: string;
}

const BASE: Parts = {
  command: 'docker compose run --rm notebook papermill',
  zone: 'us-.*',
  machine: 'n1-standard-8',
  snapshot: '$SNAPSHOT_NAME',
  accelerator: 'nvidia-tesla-t4',
  url: 'git@github.com:${GITHUB_USER}/repo.git',
  deployKey: '$DEPLOY_KEY_PATH',
  branch: 'main',
  outUrl: 'git@github.com:${GITHUB_USER}/output.git',
  startCommand: 'docker compose up -d jupyter',
  links: ['kaggle: https://www.kaggle.com/competitions'],
  localPortMin: '8100',
  remotePorts: '[8888, 6006]',
  extraCommit: '',
  extraTop: '',
};

export const BASE_ENV = 'GITHUB_USER=me\nSNAPSHOT_NAME=ml-snap\nDEPLOY_KEY_PATH=./keys/code\n';

/** Set for every case in the process environment of both readers (a name .env does not set). */
export const OUTER_ENV = { OUTER: 'from-the-environment' };

export function yml(o: Partial<Parts> = {}): string {
  const p = { ...BASE, ...o };
  return [
    'commit:',
    `  command: ${p.command}`,
    '  instance:',
    `    zone_regex: ${p.zone}`,
    `    machine_type: ${p.machine}`,
    `    snapshot: ${p.snapshot}`,
    ...(p.accelerator === null ? [] : [`    accelerator: ${p.accelerator}`]),
    '  repository:',
    `    url: ${p.url}`,
    `    deploy_key: ${p.deployKey}`,
    ...(p.branch === null ? [] : [`    branch: ${p.branch}`]),
    '  output_repository:',
    `    url: ${p.outUrl}`,
    '    deploy_key: ./keys/output',
    '    branch: results',
    ...(p.extraCommit ? [p.extraCommit] : []),
    'start:',
    `  command: ${p.startCommand}`,
    '  instance:',
    '    zone_regex: asia-.*',
    '    machine_type: n1-standard-4',
    '    snapshot: dev-snap',
    '  repository:',
    '    url: git@github.com:me/repo.git',
    '    deploy_key: ./keys/code',
    'dashboard:',
    ...(p.links.length ? ['  links:', ...p.links.map((l) => `    ${l}`)] : []),
    '  tunnel:',
    `    local_port_min: ${p.localPortMin}`,
    `    remote_ports: ${p.remotePorts}`,
    ...(p.extraTop ? [p.extraTop] : []),
    '',
  ].join('\n');
}

const cases: Case[] = [];
const add = (name: string, y: string, env = BASE_ENV) => cases.push({ name, yml: y, env });

// Integers as YAML 1.1 writes them (octal, hex, binary, `_`, sexagesimal, floats that are whole),
// and forms that are not integers at all; each written, through a placeholder, and in a list.
const INTEGERS = [
  '8100',
  '017777',
  '0x1FA4',
  '0b1111110100100',
  '8_100',
  '18_000',
  '2:15:00',
  '5:00:00',
  '+8100',
  '8100.0',
  '8.1e+3',
  '8e3',
  '08100',
  '"8100"',
  '~',
  '0o17',
  '1_0:00',
  '0',
  '-1',
  '70000',
];
for (const v of INTEGERS) {
  add(`local_port_min: ${v}`, yml({ localPortMin: v }));
  add(`remote_ports: [${v}]`, yml({ remotePorts: `[${v}]` }));
  if (!v.startsWith('"') && v !== '~') {
    add(`local_port_min: $PORT (PORT=${v})`, yml({ localPortMin: '$PORT' }), `${BASE_ENV}PORT=${v}\n`);
    add(
      `remote_ports: [$JPORT, 6006] (JPORT=${v})`,
      yml({ remotePorts: '[$JPORT, 6006]' }),
      `${BASE_ENV}JPORT=${v}\n`,
    );
  }
}
add(
  'remote_ports as a block list with placeholders',
  yml({ remotePorts: '\n      - ${JPORT}\n      - 6006' }),
  `${BASE_ENV}JPORT=8888\n`,
);
add(
  'remote_ports: "$JPORT" quoted stays a string',
  yml({ remotePorts: '["$JPORT"]' }),
  `${BASE_ENV}JPORT=8888\n`,
);
add('remote_ports listing a port twice', yml({ remotePorts: '[8888, 8888]' }));
add('local_port_min under 1024', yml({ localPortMin: '80' }));

// Scalars in a string key: YAML 1.1 booleans, nulls, numbers, dates and the look-alikes that stay strings.
const STRINGS = [
  'ml-snap',
  'y',
  'n',
  'Y',
  'yes',
  'No',
  'on',
  'OFF',
  'true',
  'tRUE',
  'null',
  'NULL',
  '~x',
  '017777',
  '0o17',
  '1e5',
  '1.5e3',
  '1.5e+3',
  '.5',
  '-.5',
  '1.',
  '12:30',
  '1_000',
  '2024-01-01',
  '0.1.2',
  '.inf',
  '.NaN',
  "'017777'",
  '"yes"',
  '!!str 017777',
  '!!str yes',
  'a b  c',
  '"tab\\there"',
  "'it''s'",
  '"unicode \\u00e9"',
  'café',
  '=',
  '<<',
];
for (const v of STRINGS) {
  add(`snapshot: ${v}`, yml({ snapshot: v }));
  if (!/^['"!]/.test(v)) add(`snapshot: $S (S=${v})`, yml({ snapshot: '$S' }), `${BASE_ENV}S=${v}\n`);
}
add('branch: 2024 (a number)', yml({ branch: '2024' }));
add('branch: "2024"', yml({ branch: '"2024"' }));
add('branch: no (a boolean)', yml({ branch: 'no' }));
add('no branch (default master)', yml({ branch: null }));
add('accelerator: ~', yml({ accelerator: '~' }));
add('accelerator: $GPU with GPU empty', yml({ accelerator: '$GPU' }), `${BASE_ENV}GPU=\n`);
add('no accelerator', yml({ accelerator: null }));

// Placeholders: where they stand and how they are written.
const PLACEHOLDERS: [string, Partial<Parts>, string?][] = [
  ['${NAME} inside a URL', { url: 'git@github.com:${GITHUB_USER}/repo.git' }],
  ['$NAME inside a URL', { url: 'git@github.com:$GITHUB_USER/repo.git' }],
  ['placeholder in double quotes', { snapshot: '"$SNAPSHOT_NAME"' }],
  ['placeholder in single quotes', { snapshot: "'$SNAPSHOT_NAME'" }],
  ['two placeholders side by side', { snapshot: '${A}${B}' }, 'A=ml\nB=-snap\n'],
  ['$NAME_x is the name NAME_x', { snapshot: '$SNAP_x' }, 'SNAP_x=ok\n'],
  ['$$ is a literal $', { zone: 'us-.*$$' }],
  ['$$HOME in a command stays for the shell', { command: 'papermill --cwd $$HOME' }],
  [
    'placeholder in a block literal command',
    { command: '|\n    set -e\n    papermill $OPTS' },
    'OPTS=--log-output\n',
  ],
  [
    'placeholder in a folded command',
    { command: '>\n    docker compose run\n    $SERVICE papermill' },
    'SERVICE=nb\n',
  ],
  ['placeholder as a link name', { links: ['$BOARD: https://example.com'] }, 'BOARD=board\n'],
  ['placeholder in a comment, set', { extraTop: '# uses $GITHUB_USER' }],
  ['placeholder in a comment, not set', { extraTop: '# uses $NOT_SET_ANYWHERE' }],
  ['placeholder only in the environment', { snapshot: '$OUTER' }],
  ['placeholder not set anywhere', { snapshot: '$NOPE' }],
  ['invalid placeholder $5', { command: 'echo costs $5' }],
  ['command from .env with spaces', { command: '$CMD' }, 'CMD="python3 run.py --fast"\n'],
  ['command from .env with escaped quotes', { command: '$CMD' }, 'CMD="python3 \\"run.py\\""\n'],
  ['command from .env with a # comment inside', { command: '$CMD' }, 'CMD="papermill #1"\n'],
  ['command from .env with ": "', { command: '$CMD' }, 'CMD="a: b"\n'],
  ['value with a line break', { snapshot: '$S' }, 'S="snap\\nnext"\n'],
  ['value with a backslash in double quotes', { snapshot: '"$S"' }, 'S=C:\\\\tmp\n'],
  ['value with a quote in single quotes', { snapshot: "'$S'" }, "S=it's\n"],
  ['value starting with *', { snapshot: '$S' }, 'S=*snap\n'],
  ['value starting with [', { snapshot: '$S' }, 'S=[a, b]\n'],
  ['value with trailing spaces, quoted', { snapshot: '$S' }, 'S="snap   "\n'],
  ['.env name without = used', { snapshot: '$S' }, 'S\n'],
  ['.env name without = unused', {}, 'UNUSED\n'],
];
for (const [name, parts, env] of PLACEHOLDERS) add(name, yml(parts), `${BASE_ENV}${env ?? ''}`);

// .env syntax, each line giving SNAPSHOT_NAME (used as `snapshot: $SNAPSHOT_NAME`).
const DOTENV = [
  'SNAPSHOT_NAME=ml-snap',
  'export SNAPSHOT_NAME=ml-snap',
  'SNAPSHOT_NAME = ml-snap',
  "SNAPSHOT_NAME='ml-snap'",
  'SNAPSHOT_NAME="ml-snap"',
  'SNAPSHOT_NAME=ml-snap # a comment',
  'SNAPSHOT_NAME=ml#snap',
  'SNAPSHOT_NAME="ml-snap" # a comment',
  'SNAPSHOT_NAME=ml-snap   ',
  "'SNAPSHOT_NAME'=ml-snap",
  'SNAPSHOT_NAME=${BASE}-snap',
  'SNAPSHOT_NAME=${UNSET:-ml}-snap',
  'SNAPSHOT_NAME=${BASE:-x}-snap',
  'SNAPSHOT_NAME=${OUTER}',
  'SNAPSHOT_NAME=$BASE-snap',
  "SNAPSHOT_NAME='${BASE}-snap'",
  'SNAPSHOT_NAME=${LATER}x',
  'SNAPSHOT_NAME=',
  'SNAPSHOT_NAME=a=b',
  'SNAPSHOT_NAME="ml\\tsnap"',
  "SNAPSHOT_NAME='ml\\tsnap'",
  'SNAPSHOT_NAME="multi\nline"',
  "SNAPSHOT_NAME='it\\'s'",
  'SNAPSHOT_NAME="unterminated',
  'SNAPSHOT_NAME=first\nSNAPSHOT_NAME=second',
  'SNAPSHOT_NAME=café',
  'SNAPSHOT_NAME=${}x',
  'SNAPSHOT_NAME="C:\\\\snap"',
  '=no-name\nSNAPSHOT_NAME=ml-snap',
  '   SNAPSHOT_NAME=indented',
  '# SNAPSHOT_NAME=commented',
  'SNAPSHOT_NAME="quoted"trailing',
  'export   SNAPSHOT_NAME=ml-snap',
  'SNAPSHOT_NAME="ml\\"snap"',
  "SNAPSHOT_NAME='ml\\\\snap'",
  'SNAPSHOT_NAME=   spaced',
  'SNAPSHOT_NAME="x"#c',
  'SNAPSHOT_NAME=ml-snap\t# tab comment',
  'SNAPSHOT_NAME\t=\tml-snap',
  'exportSNAPSHOT_NAME=x',
  'SNAPSHOT_NAME=${BASE:-}',
  'SNAPSHOT_NAME=${BASE}${BASE}',
  'SNAPSHOT_NAME=${UNSET:-${LATER}}',
  'SNAPSHOT_NAME="a\\nb\\\\c"',
  'SNAPSHOT_NAME=ml-snap\n\n\n   \n',
  'SNAPSHOT_NAME="${BASE}"',
  "SNAPSHOT_NAME='x' # c",
];
for (const line of DOTENV) {
  const env = `BASE=ml\nGITHUB_USER=me\nDEPLOY_KEY_PATH=./keys/code\n${line}\nLATER=late\n`;
  add(`.env: ${line.replace(/\n/g, '⏎')}`, yml(), env);
}
add('.env with CRLF line ends', yml(), BASE_ENV.replace(/\n/g, '\r\n'));
add('.env with a UTF-8 byte order mark, first name used', yml(), `\ufeff${BASE_ENV}`);
add('.env with a UTF-8 byte order mark, comment first', yml(), `\ufeff# keys\n${BASE_ENV}`);
add(
  'no .env (placeholders from nowhere)',
  yml({ snapshot: 'plain', url: 'git@github.com:me/repo.git', deployKey: './k' }),
  '',
);

// Repository URLs and dashboard links.
const URLS = [
  'git@github.com:me/repo.git',
  'ssh://git@github.com/me/repo.git',
  'ssh://git@host:2222/me/repo.git',
  'https://github.com/me/repo.git',
  'https://${GITHUB_USER}:${TOKEN}@github.com/me/repo.git',
  'file:///srv/repo.git',
  '/srv/repo.git',
  'git@gitlab.example.com:group/sub/repo.git',
  'git@github.com:me/repo',
  '"git@github.com:me/repo.git"',
  'github.com/me/repo',
  'git://example.com/repo.git',
];
for (const u of URLS) add(`url: ${u}`, yml({ url: u }), `${BASE_ENV}TOKEN=t0k3n\n`);
const LINKS = [
  'https://www.kaggle.com',
  'http://localhost:8888/lab',
  'localhost:8888/lab',
  '/notes',
  'file:///home/me/notes.html',
  'https://example.com/?a=1&b=2',
  'https://example.com/#frag',
  'mailto:me@example.com',
  '"https://example.com/a b"',
  'https://example.com/${GITHUB_USER}',
  'javascript:alert(1)',
  "''",
];
for (const l of LINKS) add(`link: ${l}`, yml({ links: [`board: ${l}`] }));
add(
  'links with a spaced name',
  yml({ links: ['"My board": https://example.com', 'Other board: https://example.org'] }),
);
add('links: {} empty', yml({ links: ['{}'] }).replace('  links:\n    {}', '  links: {}'));

// zone_regex: Python syntax.
const ZONES = [
  'us-.*',
  '(?P<r>us|europe)-.*',
  '(?i)US-.*',
  '""',
  'us-(central|east)1-[abc]',
  '.*',
  '^us-.*$',
  '(?i:US)-.*',
  '(?P<r>us)-(?P=r)?.*',
  '"[]a]"',
  '(?x) us - .*  # verbose',
  '(?(1)a|b)',
  '"(us"',
];
for (const z of ZONES) add(`zone_regex: ${z}`, yml({ zone: z }));

// Keys mymlops adds (the original refused them as unknown), read by the same YAML rules.
const EXTRA = [
  '  progress_interval: 1:00',
  '  max_duration: 5:00:00',
  '  progress_interval: .inf',
  '  prune_after_days: 1e400',
  '  prune_after_days: 1.0e+400',
  '  log_max_bytes: 0x100000',
  '  bogus_key: 1',
];
for (const e of EXTRA) add(`extra key ${e.trim()}`, yml({ extraCommit: e }));
add(
  'extra key spot: yes',
  yml().replace('    accelerator: nvidia-tesla-t4\n', '    accelerator: nvidia-tesla-t4\n    spot: yes\n'),
);
add(
  'extra key spot: off',
  yml().replace('    accelerator: nvidia-tesla-t4\n', '    accelerator: nvidia-tesla-t4\n    spot: off\n'),
);
add(
  'extra key spot: y (a string in YAML 1.1)',
  yml().replace('    accelerator: nvidia-tesla-t4\n', '    accelerator: nvidia-tesla-t4\n    spot: y\n'),
);
add('extra top-level backend: local', yml({ extraTop: 'backend: local' }));

// Less common YAML forms, as link entries (the comparison covers every value read).
const FORMS = [
  'a: !!set {x, y}',
  'a: !!binary aGVsbG8=',
  'a: !!omap [x: 1, y: 2]',
  'a: !!pairs [x: 1, x: 2]',
  '? a',
  'a: !!float 1',
  'a: !!int "0x10"',
  '~: null key',
  '1: int key',
  'true: bool key',
  'a: "\\x41\\u00e9\\U0001F600"',
  'a: "\\N\\_\\L\\P"',
  "a: '\\n stays'",
  'a: plain\n      continued',
  'a: >-\n      folded\n      text\n',
  'a: |+\n      keep\n\n',
  'a: 2001-12-14t21:59:43.10-05:00',
  'a: 2001-12-14 21:59:43.10',
  'a: 1_2.5_0',
  'a: 190:20:30.15',
  'a: -0',
  'a: 0b1_0',
  'a: 0x_1F',
  'a: +.inf',
  'a: -.INF',
  'a: .Nan',
  'a: 1.e+3',
  'a: [a, b, ]',
  'a: {x: 1, }',
  'a: 0:30',
  'a: 1:60',
  'a: !!timestamp 2001-12-14',
  'a: [~, null, "", NULL]',
  'a: !!str',
  'a: !custom x',
  'a: {<<: {x: 1, y: 1}, x: 2}',
  'a: {x: 2, <<: {x: 1, y: 1}}',
  'a: [&s anchored, *s]',
  'a: {? x}',
  'a: 0b',
  'a: 0x',
  'a: 1__0',
  'a: -0x1F',
  'a: +0b11',
  'a: 00',
  'a: 0.',
  'a: -.5e-3',
  'a: .5e-3',
  'a: 6.8523015e+5',
  'a: 685.230_15e+03',
  'a: "multi\n      line"',
  'a: x #comment',
  'a: x# not a comment',
  'a: [*u, *u]',
  'a: !!null ""',
  'a: !!bool "yes"',
];
for (const f of FORMS)
  add(`YAML form: ${f.replace(/\n/g, '⏎')}`, yml({ links: ['u: &u https://u.example', f] }));

// Whole-file layouts.
const base = yml();
const LAYOUTS: [string, string][] = [
  ['block style', base],
  ['CRLF line ends', base.replace(/\n/g, '\r\n')],
  ['UTF-8 byte order mark', `\ufeff${base}`],
  ['document markers', `---\n${base}...\n`],
  ['comments everywhere', base.replace(/\n/g, '  # note\n').replace(/^/, '# head\n')],
  ['4-space indentation', base.replace(/^( +)/gm, (s) => s + s)],
  [
    'flow-style instance',
    base.replace(
      / {2}instance:\n {4}zone_regex: (.*)\n {4}machine_type: (.*)\n {4}snapshot: (.*)\n {4}accelerator: (.*)\n/,
      '  instance: {zone_regex: "$1", machine_type: $2, snapshot: $3, accelerator: $4}\n',
    ),
  ],
  ['quoted keys', base.replace(/^( *)(commit|command|url):/gm, '$1"$2":')],
  [
    'JSON document',
    '{"commit": {"command": "papermill", "instance": {"zone_regex": "us-.*", "machine_type": "n1-standard-8", "snapshot": "$SNAPSHOT_NAME"}, "repository": {"url": "git@github.com:me/repo.git", "deploy_key": "./k"}, "output_repository": {"url": "git@github.com:me/out.git", "deploy_key": "./k"}}}\n',
  ],
  [
    'merge key <<: *inst shared by commit and start',
    base
      .replace(
        'commit:\n',
        'x-instance: &inst\n  zone_regex: us-.*\n  machine_type: n1-standard-8\n  snapshot: ml-snap\ncommit:\n',
      )
      .replace(
        / {2}instance:\n {4}zone_regex: us-\.\*\n[\s\S]*?accelerator: nvidia-tesla-t4\n/,
        '  instance:\n    <<: *inst\n    accelerator: nvidia-tesla-t4\n',
      ),
  ],
  [
    'merge key inside the document only',
    base
      .replace(/ {2}instance:\n {4}zone_regex: us-\.\*\n/, '  instance: &inst\n    zone_regex: us-.*\n')
      .replace(
        /start:\n(.*)\n {2}instance:\n[\s\S]*? {4}snapshot: dev-snap\n/,
        'start:\n$1\n  instance:\n    <<: *inst\n    machine_type: n1-standard-4\n',
      ),
  ],
  [
    'merge of a list of anchors',
    base
      .replace('dashboard:\n', 'dashboard:\n')
      .replace(
        /start:\n(.*)\n {2}instance:\n[\s\S]*? {4}snapshot: dev-snap\n/,
        'start:\n$1\n  instance:\n    <<: [*zone, *shape]\n    snapshot: dev-snap\n',
      )
      .replace('    zone_regex: us-.*\n', '    zone_regex: &z us-.*\n')
      .replace(
        'commit:\n',
        'zone: &zone {zone_regex: europe-.*}\nshape: &shape {machine_type: n2-standard-2, zone_regex: asia-.*}\ncommit:\n',
      ),
  ],
  [
    'whole instance by alias',
    base
      .replace(/ {2}instance:\n {4}zone_regex: us-\.\*\n/, '  instance: &i\n    zone_regex: us-.*\n')
      .replace(
        /start:\n(.*)\n {2}instance:\n[\s\S]*? {4}snapshot: dev-snap\n/,
        'start:\n$1\n  instance: *i\n',
      ),
  ],
  [
    'duplicate key, the last wins',
    base.replace(
      '  command: docker compose up -d jupyter\n',
      '  command: first\n  command: docker compose up -d jupyter\n',
    ),
  ],
  ['duplicate section, the last wins', `${base}dashboard:\n  links: {a: https://a.example}\n`],
  ['only commit', base.slice(0, base.indexOf('start:'))],
  ['only dashboard', base.slice(base.indexOf('dashboard:'))],
  ['empty file', ''],
  ['tabs in a flow mapping', base.replace('[8888, 6006]', '[8888,\t6006]')],
  ['undefined alias', base.replace('    snapshot: $SNAPSHOT_NAME', '    snapshot: *nothing')],
  ['complex key', `${base}? [a, b]\n: c\n`],
];
for (const [name, y] of LAYOUTS) add(`layout: ${name}`, y);

export const CATALOGUE: readonly Case[] = cases;
