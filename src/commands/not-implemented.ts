import { UserError } from '../errors.js';

export function notImplemented(name: string, issue: string): never {
  throw new UserError(`\`mymlops ${name}\` is not implemented yet`, `it arrives with ${issue}`, { exitCode: 2 });
}
