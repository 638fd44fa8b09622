import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** One command of the tree: its words after the program's name (`traces list`), subcommands and options. */
interface Node {
  path: string;
  subcommands: { name: string; description: string }[];
  /** The choices of the command's positional arguments, when they have some. */
  argChoices: string[];
  options: {
    flags: string[];
    long?: string;
    short?: string;
    takesValue: boolean;
    choices?: readonly string[];
    description: string;
  }[];
}

/**
 * A completion script for `shell`, generated from the command tree: every subcommand, option and option choice
 * commander knows, at every depth, so a new subcommand needs no edit here. The script works out which subcommand
 * the words typed so far name (skipping options and their values), then offers its subcommands, its options after a
 * `-`, an option's choices after it, and file names for an option's value without choices.
 */
export function completionScript(program: Command, shell: Shell): string {
  const nodes = walk(program, []);
  const name = program.name();
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  if (shell === 'fish') return fish(name, fn, nodes);
  return shell === 'bash' ? bash(name, fn, nodes) : zsh(name, fn, nodes);
}

function walk(command: Command, path: string[]): Node[] {
  const help = command.createHelp();
  // Commander's implicit `help` subcommand is not in `commands`: offered words are the real subcommands.
  const visible = help.visibleCommands(command).filter((c) => command.commands.includes(c));
  const node: Node = {
    path: path.join(' '),
    subcommands: visible.flatMap((c) =>
      [c.name(), ...c.aliases()].map((n) => ({ name: n, description: c.description() })),
    ),
    options: help.visibleOptions(command).map((o: Option) => ({
      flags: [o.short, o.long].filter((f): f is string => f !== undefined),
      long: o.long,
      short: o.short,
      takesValue: o.required || o.optional,
      choices: o.argChoices,
      description: o.description,
    })),
    argChoices: command.registeredArguments.flatMap((a) => a.argChoices ?? []),
  };
  return [node, ...visible.flatMap((c) => walk(c, [...path, c.name()]))];
}

/** A single-quoted shell word (bash, zsh and fish all read `'...'` the same way once `'` and `\` are escaped). */
function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** bash and zsh single quotes take no escapes: close, add a quoted quote, reopen. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The tree as `case` functions, which bash and zsh read alike. */
function caseFunctions(fn: string, nodes: Node[], described: boolean): string {
  const esc = (s: string) => s.replace(/:/g, '\\:');
  const subs = nodes
    .filter((n) => n.subcommands.length > 0)
    .map((n) => {
      const words = n.subcommands.map((c) => (described ? `${esc(c.name)}:${c.description}` : c.name));
      return `    ${shQuote(n.path)}) printf '%s\\n' ${words.map(shQuote).join(' ')} ;;`;
    });
  const args = nodes
    .filter((n) => n.argChoices.length > 0)
    .map((n) => `    ${shQuote(n.path)}) printf '%s\\n' ${n.argChoices.map(shQuote).join(' ')} ;;`);
  const opts = nodes.map(
    (n) => `    ${shQuote(n.path)}) printf '%s\\n' ${n.options.flatMap((o) => o.flags).join(' ')} ;;`,
  );
  const valued = nodes.flatMap((n) =>
    n.options.filter((o) => o.takesValue).flatMap((o) => o.flags.map((f) => shQuote(`${n.path}|${f}`))),
  );
  const choices = nodes.flatMap((n) =>
    n.options
      .filter((o) => o.choices !== undefined)
      .map(
        (o) =>
          `    ${o.flags.map((f) => shQuote(`${n.path}|${f}`)).join('|')}) printf '%s\\n' ${(o.choices ?? []).map(shQuote).join(' ')} ;;`,
      ),
  );
  return [
    `${fn}_subcommands() {`,
    '  case $1 in',
    ...subs,
    '  esac',
    '}',
    `${fn}_arguments() {`,
    '  case $1 in',
    ...args,
    '  esac',
    '}',
    `${fn}_options() {`,
    '  case $1 in',
    ...opts,
    '  esac',
    '}',
    `${fn}_takes_value() {`,
    '  case "$1|$2" in',
    ...(valued.length === 0 ? [] : [`    ${valued.join('|')}) return 0 ;;`]),
    '  esac',
    '  return 1',
    '}',
    `${fn}_choices() {`,
    '  case "$1|$2" in',
    ...choices,
    '  esac',
    '}',
    '# The subcommand the words before the cursor name: options and their values skipped.',
    `${fn}_command() {`,
    '  local cmd= word skip=0 subs',
    '  for word in "$@"; do',
    '    if ((skip)); then skip=0; continue; fi',
    '    case $word in',
    `      --*=*) ;;`,
    `      -*) ${fn}_takes_value "$cmd" "$word" && skip=1 ;;`,
    '      *)',
    `        subs=$'\\n'"$(${fn}_subcommands "$cmd" | cut -d: -f1)"$'\\n'`,
    `        [[ $subs == *$'\\n'"$word"$'\\n'* ]] && cmd=\${cmd:+$cmd }$word ;;`,
    '    esac',
    '  done',
    `  printf '%s' "$cmd"`,
    '}',
  ].join('\n');
}

function bash(name: string, fn: string, nodes: Node[]): string {
  return `# ${name} completion for bash. Install: ${name} completion bash > ~/.local/share/bash-completion/completions/${name}
# (or: source <(${name} completion bash) in ~/.bashrc)
${caseFunctions(fn, nodes, false)}
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd choices
  cmd=$(${fn}_command "\${COMP_WORDS[@]:1:COMP_CWORD-1}")
  COMPREPLY=()
  if ((COMP_CWORD > 1)) && [[ $prev == -* ]] && ${fn}_takes_value "$cmd" "$prev"; then
    choices=$(${fn}_choices "$cmd" "$prev")
    if [[ -n $choices ]]; then
      mapfile -t COMPREPLY < <(printf '%s\\n' "$choices" | ${fn}_matching "$cur")
    else
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
  elif [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(${fn}_options "$cmd" | ${fn}_matching "$cur")
  else
    mapfile -t COMPREPLY < <({ ${fn}_subcommands "$cmd"; ${fn}_arguments "$cmd"; } | ${fn}_matching "$cur")
  fi
}
# The lines of stdin that start with $1, taken literally (compgen -W would expand them).
${fn}_matching() {
  local word
  while IFS= read -r word; do
    [[ $word == "$1"* ]] && printf '%s\\n' "$word"
  done
  return 0
}
complete -F ${fn} ${name}
`;
}

function zsh(name: string, fn: string, nodes: Node[]): string {
  return `#compdef ${name}
# ${name} completion for zsh. Install: ${name} completion zsh > "\${fpath[1]}/_${name}" (then restart zsh),
# or: source <(${name} completion zsh) in ~/.zshrc, after compinit.
${caseFunctions(fn, nodes, true)}
${fn}() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} cmd
  local -a subs opts choices
  cmd=$(${fn}_command "\${(@)words[2,CURRENT-1]}")
  if ((CURRENT > 2)) && [[ $prev == -* ]] && ${fn}_takes_value "$cmd" "$prev"; then
    choices=("\${(@f)$(${fn}_choices "$cmd" "$prev")}")
    if [[ -n \${choices[1]} ]]; then compadd -a choices; else _files; fi
  elif [[ $cur == -* ]]; then
    opts=("\${(@f)$(${fn}_options "$cmd")}")
    compadd -a opts
  else
    subs=("\${(@f)$(${fn}_subcommands "$cmd")}")
    choices=("\${(@f)$(${fn}_arguments "$cmd")}")
    [[ -n \${subs[1]} ]] && _describe -t commands '${name} command' subs
    [[ -n \${choices[1]} ]] && compadd -a choices
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${name}
fi
`;
}

function fish(name: string, fn: string, nodes: Node[]): string {
  const lines = [
    `# ${name} completion for fish. Install: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `function ${fn}_subcommands`,
    '  switch "$argv[1]"',
    ...nodes
      .filter((n) => n.subcommands.length > 0)
      .map(
        (n) =>
          `    case ${quote(n.path)}\n      printf '%s\\n' ${n.subcommands.map((c) => quote(c.name)).join(' ')}`,
      ),
    '  end',
    'end',
    `function ${fn}_takes_value`,
    '  switch "$argv[1]|$argv[2]"',
    ...nodes.flatMap((n) => {
      const flags = n.options
        .filter((o) => o.takesValue)
        .flatMap((o) => o.flags.map((f) => quote(`${n.path}|${f}`)));
      return flags.length === 0 ? [] : [`    case ${flags.join(' ')}\n      return 0`];
    }),
    '  end',
    '  return 1',
    'end',
    `# The subcommand the words typed so far name (options and their values skipped).`,
    `function ${fn}_command`,
    '  set -l cmd',
    '  set -l skip 0',
    '  set -l words (commandline -opc)',
    '  set -e words[1]',
    '  for word in $words',
    '    if test $skip = 1',
    '      set skip 0',
    '      continue',
    '    end',
    '    switch $word',
    "      case '--*=*'",
    "      case '-*'",
    `        ${fn}_takes_value "$cmd" $word; and set skip 1`,
    '      case "*"',
    `        if contains -- $word (${fn}_subcommands "$cmd")`,
    '          set cmd (string join " " -- $cmd $word)',
    '        end',
    '    end',
    '  end',
    '  printf "%s" "$cmd"',
    'end',
    `function ${fn}_is`,
    `  set -l cmd (${fn}_command)`,
    '  test "$cmd" = "$argv[1]"',
    'end',
    `complete -c ${name} -f`,
  ];
  for (const n of nodes) {
    const when = `-n ${quote(`${fn}_is ${quote(n.path)}`)}`;
    for (const c of n.subcommands)
      lines.push(`complete -c ${name} ${when} -a ${quote(c.name)} -d ${quote(c.description)}`);
    if (n.argChoices.length > 0)
      lines.push(`complete -c ${name} ${when} -a ${quote(n.argChoices.join(' '))}`);
    for (const o of n.options) {
      const flags = [o.long && `-l ${o.long.slice(2)}`, o.short && `-s ${o.short.slice(1)}`]
        .filter(Boolean)
        .join(' ');
      const value = o.choices ? `-x -a ${quote(o.choices.join(' '))}` : o.takesValue ? '-r -F' : '';
      lines.push(
        `complete -c ${name} ${when} ${flags}${value ? ` ${value}` : ''} -d ${quote(o.description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
