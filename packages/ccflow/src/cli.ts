import { createRequire } from 'node:module';
import { CommanderError } from 'commander';
import { type CliIO, colours, oneLine } from './commands/output.ts';
import { buildProgram } from './commands/program.ts';
import type { QueryIO } from './commands/query.ts';
import { isUsageError } from './commands/usage-error.ts';
import './defaults.ts';

export type { CliIO } from './commands/output.ts';

/** `../package.json` from both `src/cli.ts` and the built `dist/cli.mjs`. */
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `ccflow` command. Returns the exit code: 0 done, 1 the work failed, 2 bad usage. */
export async function main(argv: string[], io: QueryIO & CliIO = process): Promise<number> {
  let code = 0;
  const program = buildProgram(version, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      // 'commander.help': a command without its subcommand, whose help commander has just shown.
      if (error.code !== 'commander.help') io.stderr.write(usageOf(program, argv));
      return 2;
    }
    const red = colours(io.stderr, io.env ?? process.env).red;
    io.stderr.write(`${red('ccflow:')} ${oneLine(error)}\n`);
    if (!isUsageError(error)) return 1;
    io.stderr.write(usageOf(program, argv));
    return 2;
  }
}

/** The help of the (sub)command `argv` names, shown after a usage error. */
function usageOf(program: ReturnType<typeof buildProgram>, argv: string[]): string {
  let command = program;
  for (const word of argv) {
    const next = command.commands.find((c) => c.name() === word);
    if (next === undefined) break;
    command = next;
  }
  return command.helpInformation();
}

/**
 * Runs `ccflow` as the process: a reader that goes away (`ccflow sessions list | head -1`) ends it quietly, with
 * the exit code it would have had, instead of an EPIPE crash.
 */
export async function run(): Promise<void> {
  const quiet = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  };
  process.stdout.on('error', quiet);
  process.stderr.on('error', quiet);
  process.exitCode = await main(process.argv.slice(2));
}
