// The notebook the viewer tests open: the Markdown cases (one per cell, so each can be compared
// with marked's own output), math in Markdown and as a text/latex output, python code, results
// with execution counts, a 3000-line output, an attachment image and an error.
export const MD_CASES: Record<string, string> = {
  nested: '- a\n  - b\n    - c\n- d',
  setext: 'Title\n=====\n\nSub\n---',
  bareUrls: 'see https://example.org/x and www.example.com',
  strike: 'this is ~~gone~~',
  tasks: '- [ ] todo\n- [x] done',
  hardBreaks: 'line one  \nline two\\\nline three',
  indentedCode: 'para\n\n    code block\n    more',
  orderedStart: '3. three\n4. four',
  html: 'a<br>b\n\n<details><summary>More</summary>\n\nhidden text\n\n</details>',
  tableAlign: '| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |',
};

export const LONG_LINES = 3000;

export function viewerNotebook(png: string): object {
  const md = (source: string, extra: object = {}) => ({
    cell_type: 'markdown',
    metadata: {},
    source,
    ...extra,
  });
  return {
    cells: [
      ...Object.values(MD_CASES).map((s) => md(s)),
      md(
        'Inline $x^2 + y_1$ and \\\\(a_b\\\\) (as Jupyter writes it), display:\n\n$$\\int_0^1 f(x)\\,dx$$\n',
      ),
      md('![pic](attachment:pic.png)', { attachments: { 'pic.png': { 'image/png': png } } }),
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        source: 'import os\ndef f(x):\n    return x + 1\nf(41)',
        outputs: [
          { output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': '42' } },
        ],
      },
      {
        cell_type: 'code',
        execution_count: 2,
        metadata: {},
        source: 'display(Math(r"\\frac{1}{2}"))',
        outputs: [
          {
            output_type: 'display_data',
            metadata: {},
            data: {
              'text/latex': '$\\displaystyle \\frac{1}{2}$',
              'text/plain': '<IPython.core.display.Math object>',
            },
          },
        ],
      },
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: {},
        source: 'for i in range(3000): print(i)',
        outputs: [
          {
            output_type: 'stream',
            name: 'stdout',
            text: Array.from({ length: LONG_LINES }, (_, i) => `line ${i}\n`).join(''),
          },
        ],
      },
      {
        cell_type: 'code',
        execution_count: 4,
        metadata: {},
        source: 'raise ValueError("bad value")',
        outputs: [
          {
            output_type: 'error',
            ename: 'ValueError',
            evalue: 'bad value',
            traceback: ['\u001b[0;31mValueError\u001b[0m: bad value'],
          },
        ],
      },
    ],
    metadata: { kernelspec: { name: 'python3', language: 'python' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Index of the error cell in viewerNotebook's cells. */
export const ERROR_CELL = Object.keys(MD_CASES).length + 5;
