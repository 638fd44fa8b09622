import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion-script.ts';
import type { CliIO } from './output.ts';

/** `ccflow completion bash|zsh|fish`: prints the shell's completion script, generated from the command tree. */
export function completionCommand(program: Command, io: CliIO, done: (code: number) => void): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh, fish); see the README to install it')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action((shell: Shell) => {
      io.stdout.write(completionScript(program, shell));
      done(0);
    });
}
