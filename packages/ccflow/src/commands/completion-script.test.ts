import { execFileSync } from 'node:child_process';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionScript } from './completion-script.ts';
import { buildProgram } from './program.ts';

const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
const program = buildProgram('0.0.0', io, () => {});
const bashScript = completionScript(program, 'bash');

/** What bash offers for `line` (the cursor at its end; a trailing space starts a new word), as `ccflow` would. */
function complete(line: string, script = bashScript, name = 'ccflow'): string[] {
  const words = line.split(' ');
  const driver = `${script}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
COMP_LINE='${line}'
_${name}
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], {
    encoding: 'utf8',
    cwd: import.meta.dirname,
  });
  return out.split('\n').filter((l) => l !== '');
}

describe('bash completion, generated from the command tree', () => {
  it('offers subcommands at every depth', () => {
    expect(complete('ccflow tr')).toEqual(['traces']);
    expect(complete('ccflow ')).toEqual(
      expect.arrayContaining(['query', 'sessions', 'projects', 'traces', 'cost', 'completion', 'health']),
    );
    expect(complete('ccflow traces ')).toEqual(['list', 'show', 'replay', 'fork']);
    expect(complete('ccflow projects ')).toEqual(['list', 'show']);
    expect(complete('ccflow sessions ta')).toEqual(['tag']);
  });

  it("offers a command's options after a dash, options and their values skipped to find the command", () => {
    expect(complete('ccflow traces list --st')).toEqual(['--status']);
    expect(complete('ccflow cost --')).toEqual(['--by', '--since', '--until', '--db', '--json', '--help']);
    expect(complete('ccflow --db traces traces list --j')).toEqual(['--json']);
    expect(complete('ccflow traces list --db list --model x -')).toEqual(
      expect.arrayContaining(['-n', '--limit', '--offset', '-h']),
    );
    expect(complete('ccflow -')).toEqual(['-v', '--version', '-h', '--help']);
  });

  it("offers an option's choices after it, and file names for a value without choices", () => {
    expect(complete('ccflow cost --by ')).toEqual(['model', 'day', 'project', 'session']);
    expect(complete('ccflow cost --by d')).toEqual(['day']);
    expect(complete('ccflow traces list --status ')).toEqual(['pending', 'success', 'error', 'cancelled']);
    expect(complete('ccflow completion ')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('ccflow traces list --db completion-script.t')).toEqual([
      'completion-script.test.ts',
      'completion-script.ts',
    ]);
  });

  it('covers a subcommand added later with no edit, not hidden ones, and quotes what a shell would misread', () => {
    const tool = new Command('my-tool');
    tool
      .command('add')
      .description("it's new")
      .addOption(new Option('--kind <k>', 'a "kind"').choices(['a$b', "it's"]));
    tool.command('rm').alias('remove');
    tool.command('secret', { hidden: true });
    tool.addOption(new Option('--internal').hideHelp());
    const script = completionScript(tool, 'bash');
    expect(complete('my-tool ', script, 'my_tool')).toEqual(['add', 'rm', 'remove']);
    expect(complete('my-tool add --kind ', script, 'my_tool')).toEqual(['a$b', "it's"]);
    expect(complete('my-tool -', script, 'my_tool')).toEqual(['-h', '--help']);
  });

  it('zsh and fish: the same tree, in their syntax', () => {
    const zsh = completionScript(program, 'zsh');
    expect(zsh).toMatch(/^#compdef ccflow\n/);
    expect(zsh).toContain("'traces') printf '%s\\n' 'list:list traces, oldest first'");
    expect(zsh).toContain("'cost|--by') printf '%s\\n' 'model' 'day' 'project' 'session' ;;");
    expect(zsh).toContain('compdef _ccflow ccflow');
    const fish = completionScript(program, 'fish');
    expect(fish).toContain("complete -c ccflow -n '_ccflow_is \\'traces\\'' -a 'fork' -d ");
    expect(fish).toContain(
      "complete -c ccflow -n '_ccflow_is \\'cost\\'' -l by -x -a 'model day project session' -d ",
    );
    expect(fish).toContain(
      "complete -c ccflow -n '_ccflow_is \\'traces list\\'' -l limit -s n -r -F -d 'at most this many (default 100)'",
    );
    const scripts: [string, string][] = [
      ['zsh', zsh],
      ['fish', fish],
    ];
    // Each shell parses its script (`-n`: read, do not run); the shells run them in test/completion-shells.test.ts.
    for (const [shell, text] of scripts)
      execFileSync(shell, shell === 'fish' ? ['--no-execute', '-c', text] : ['-n', '-c', text]);
  });
});
