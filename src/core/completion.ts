// Shell completion: small per-shell scripts that ask `mymlops __complete` for candidates, and the
// pure logic that computes them from the commander program itself (so it never goes stale).
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Commands whose positional argument is a commit id. */
const TAKES_COMMIT_ID = new Set(['logs', 'cancel', 'retry']);
/** Commands whose positional argument is a dev machine name (and `start --name`). */
const TAKES_DEV_NAME = new Set(['stop', 'delete', 'ssh']);
/**
 * Public commands and their aliases: exactly what `--help` lists (commander's visible commands,
 * its `help` included), so a hidden internal command such as `__sweep-scheduler` is never offered.
 */
function publicCommandWords(program: Command): string[] {
  return program
    .createHelp()
    .visibleCommands(program)
    .flatMap((c) => [c.name(), ...c.aliases()]);
}

export function completionScript(shell: Shell, bin: string): string {
  switch (shell) {
    case 'bash':
      return `# ${bin} bash completion: eval "$(${bin} completion bash)"
_${bin}_complete() {
  local IFS=$'\\n'
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  COMPREPLY=( $(compgen -W "$(${bin} __complete "$COMP_CWORD" -- "\${COMP_WORDS[@]}" 2>/dev/null)" -- "$cur") )
}
complete -o default -o bashdefault -F _${bin}_complete ${bin}
`;
    case 'zsh':
      return `#compdef ${bin}
# ${bin} zsh completion: eval "$(${bin} completion zsh)"
_${bin}() {
  local -a candidates
  candidates=("\${(@f)$(${bin} __complete $((CURRENT-1)) -- "\${words[@]}" 2>/dev/null)}")
  if (( \${#candidates[@]} )) && [[ -n "\${candidates[1]}" ]]; then
    compadd -a candidates
  else
    _files
  fi
}
if (( $+functions[compdef] )); then compdef _${bin} ${bin}; else autoload -Uz compinit && compinit && compdef _${bin} ${bin}; fi
`;
    case 'fish':
      return `# ${bin} fish completion: ${bin} completion fish | source
function __${bin}_complete
  set -l words (commandline -opc) (commandline -ct)
  ${bin} __complete (math (count $words) - 1) -- $words 2>/dev/null
end
complete -c ${bin} -f -a '(__${bin}_complete)'
`;
  }
}

function longFlags(options: readonly Option[]): string[] {
  return options.filter((o) => !o.hidden && o.long).map((o) => o.long!);
}

function takesValue(options: readonly Option[], flag: string): boolean {
  const o = options.find((x) => x.long === flag || x.short === flag);
  return Boolean(o && (o.required || o.optional));
}

export function completeWords(
  program: Command,
  words: string[],
  cword: number,
  commitIds: () => string[],
  devNames: () => string[] = () => [],
): string[] {
  const current = words[cword] ?? '';
  const globalOpts = program.options;
  let sub: Command | undefined;
  let positionals = 0;
  for (let i = 1; i < cword; i++) {
    const w = words[i]!;
    const opts = sub ? [...sub.options, ...globalOpts] : globalOpts;
    if (w.startsWith('-')) {
      if (!w.includes('=') && takesValue(opts, w)) i++;
      continue;
    }
    if (!sub) {
      sub = program.commands.find((c) => c.name() === w || c.aliases().includes(w));
      if (!sub) return [];
    } else positionals++;
  }
  const prev = words[cword - 1] ?? '';
  const prevOpts = sub ? [...sub.options, ...globalOpts] : globalOpts;
  if (sub?.name() === 'start' && prev === '--name') return devNames().filter((c) => c.startsWith(current));
  if (prev.startsWith('-') && !prev.includes('=') && takesValue(prevOpts, prev)) return []; // a value: files
  let candidates: string[];
  if (current.startsWith('-')) {
    candidates = [...(sub ? longFlags(sub.options) : []), ...longFlags(globalOpts), '--help'];
  } else if (!sub) {
    candidates = publicCommandWords(program);
  } else if (TAKES_COMMIT_ID.has(sub.name()) && positionals === 0) {
    // logs also takes a dev machine's name
    candidates = sub.name() === 'logs' ? [...commitIds(), ...devNames()] : commitIds();
  } else if (TAKES_DEV_NAME.has(sub.name()) && positionals === 0) {
    // ssh also enters a commit's machine
    candidates = sub.name() === 'ssh' ? [...devNames(), ...commitIds()] : devNames();
  } else if (sub.name() === 'completion' && positionals === 0) {
    candidates = [...SHELLS];
  } else candidates = [];
  return [...new Set(candidates)].filter((c) => c.startsWith(current));
}
