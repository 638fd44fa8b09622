import { Command } from 'commander';
import { batchCommand } from './batch.ts';
import { completionCommand } from './completion.ts';
import { costCommand } from './cost.ts';
import { healthCommand } from './health.ts';
import { type CliIO, colours } from './output.ts';
import { projectsCommand } from './projects.ts';
import { type QueryIO, queryCommand } from './query.ts';
import { sessionsCommand } from './sessions.ts';
import { tracesCommand } from './traces.ts';
import { uiCommand } from './ui.ts';
import { workerCommand } from './worker.ts';

/**
 * The `ccflow` command line: one subcommand per file in this directory. `done` receives the exit code of the
 * subcommand that ran. Parse errors, help and version are thrown as `CommanderError` (`exitOverride`), never
 * `process.exit`.
 */
export function buildProgram(version: string, io: QueryIO & CliIO, done: (code: number) => void): Command {
  const red = colours(io.stderr, io.env ?? process.env).red;
  const program = new Command('ccflow')
    .description(
      'Claude Code CLI middleware: queries and batches, sessions, traces and cost in the store, health, a web viewer',
    )
    .version(version, '-v, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`${red('ccflow:')} ${s.replace(/^error: /, '')}`),
    });
  queryCommand(program, io, done);
  batchCommand(program, io, done);
  sessionsCommand(program, io, done);
  projectsCommand(program, io, done);
  tracesCommand(program, io, done);
  costCommand(program, io, done);
  healthCommand(program, io, done);
  uiCommand(program, io, done);
  workerCommand(program, io, done);
  completionCommand(program, io, done);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  return program;
}
