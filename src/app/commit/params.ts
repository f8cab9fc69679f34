// `commit -p/-f`: the parameter axes from the command line and files (read here, parsed in
// src/core/params/parse.ts).
import { readFileSync } from 'node:fs';
import { type Axis, mergeAxes, parseParameterOption, parseParametersFile } from '../../core/params/parse.js';
import { UserError } from '../../errors.js';

export interface ParamOpts {
  parameter?: string[];
  parametersFile?: string[];
}

export const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function readAxes(opts: ParamOpts): Axis[] {
  const files = (opts.parametersFile ?? []).map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new UserError(
        `cannot read the parameters file ${f} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        'check the path given to -f',
      );
    }
    return parseParametersFile(text, f);
  });
  return mergeAxes(...files, (opts.parameter ?? []).map(parseParameterOption));
}

/** `--max-parallel N`: checked before anything runs, a dry run included. */
export function maxParallelOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`--max-parallel ${v} is not a positive integer`, 'e.g. --max-parallel 2');
  return n;
}
