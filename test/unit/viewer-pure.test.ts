// The viewer's pure rules: which repository path an image's relative path names (and which are
// refused), and TeX as MathJax's AMS numbering reads it rewritten for KaTeX.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotImagePath } from '../../src/dashboard/server/code-route.js';
import { prepareTex, removeMath, texState } from '../../src/dashboard/web/tex.js';

test('image paths resolve against the notebook folder and never leave the repository', () => {
  const cases: [string, string, string | null][] = [
    ['notebooks/a.ipynb', 'img/dot.png', 'notebooks/img/dot.png'],
    ['notebooks/a.ipynb', './img/dot.png', 'notebooks/img/dot.png'],
    ['notebooks/a.ipynb', '../figures/x.svg', 'figures/x.svg'],
    ['notebooks/a.ipynb', 'my%20plot.PNG', 'notebooks/my plot.PNG'],
    ['a.ipynb', 'fig.jpeg?raw=1', 'fig.jpeg'],
    ['a.ipynb', '../x.png', null],
    ['notebooks/a.ipynb', '../../x.png', null],
    ['a.ipynb', '/etc/x.png', null],
    ['a.ipynb', 'https://example.org/x.png', null],
    ['a.ipynb', 'data:image/png;base64,AAAA', null],
    ['a.ipynb', '.git/x.png', null],
    ['a.ipynb', 'img\\x.png', null],
    ['a.ipynb', 'secret.txt', null],
    ['a.ipynb', '%2e%2e/x.png', null],
    ['a.ipynb', 'x.png\n', null],
    ['a.ipynb', '', null],
  ];
  for (const [nb, rel, want] of cases) assert.equal(snapshotImagePath(nb, rel), want, `${nb} + ${rel}`);
});

test('math is found as Jupyter finds it', () => {
  const cases: [string, string[]][] = [
    ['a $x$ b', ['$x$']],
    ['spans $a +\nb$ a line', ['$a +\nb$']],
    ['not across a blank line $a\n\nb$', []],
    ['$$\\begin{align} a \\\\ b \\end{align}$$', ['$$\\begin{align} a \\\\ b \\end{align}$$']],
    ['\\begin{equation} x \\end{equation} then', ['\\begin{equation} x \\end{equation}']],
    ['code `$x$` keeps its dollars and $y$ is math', ['$y$']],
    ['```\n$x$\n```\n', []],
    ['<p>in html $z$</p>', ['$z$']],
    ['braces $\\text{$}$ too', ['$\\text{$}$']],
    ['see \\eqref{a}', ['\\eqref{a}']],
  ];
  for (const [src, want] of cases) assert.deepEqual(removeMath(src).math, want, src);
  assert.equal(removeMath('a $x$ and `$y$`').text, 'a @@0@@ and `$y$`');
});

test('numbered environments get the notebook-wide numbers MathJax gives, labels and refs follow', () => {
  const st = texState();
  const a = prepareTex(
    '\\begin{align} a &= b \\label{one} \\\\ c &= d \\nonumber \\\\ e &= f \\end{align}',
    st,
  );
  assert.equal(a, '\\begin{align*} a &= b  \\tag{1}\\\\ c &= d \\nonumber \\\\ e &= f \\tag{2}\\end{align*}');
  const e = prepareTex('\\begin{eqnarray} x &=& y \\label{two} \\end{eqnarray}', st);
  assert.equal(e, '\\begin{align*} x &= y  \\tag{3}\\end{align*}');
  assert.equal(
    prepareTex('\\begin{equation*} z \\end{equation*}', st),
    '\\begin{equation*} z \\end{equation*}',
  );
  assert.equal(prepareTex('\\eqref{one} \\ref{two} \\ref{none}', st), '\\text{(1)} \\text{3} \\text{??}');
});
