import type { Executor } from '@ccflow/core';
import {
  Project,
  ProjectNotFoundError,
  type Replay,
  TRACE_STATUSES,
  type TraceData,
  type TraceFilter,
  TraceNotFoundError,
} from '@ccflow/tracing';
import { type Command, Option } from 'commander';
import { dollars, when } from './format.ts';
import { countOption } from './number-option.ts';
import { type CliIO, cell, colours, table } from './output.ts';
import { dbOption } from './store-path.ts';
import { projectEnv, type StoreSet, withStores } from './store-set.ts';
import { timeOption } from './time-option.ts';
import { traceJson, traceListJson } from './trace-json.ts';

interface ListFlags {
  db?: string;
  session?: string;
  project?: string;
  status?: TraceFilter['status'];
  model?: string;
  parent?: string;
  since?: Date;
  until?: Date;
  limit?: number;
  offset?: number;
  json?: boolean;
}

/**
 * `ccflow traces list|show|replay|fork`: the traces in the ccflow SQLite store; `replay` and `fork` run a trace's
 * prompt again with the real CLI (`Project.replayAsNew` / `Project.replayFork`) and store the new trace.
 */
export function tracesCommand(
  program: Command,
  io: CliIO & { executor?: Executor },
  done: (code: number) => void,
): void {
  const traces = program
    .command('traces')
    .description('the traces in the ccflow store: list, show, replay, fork');
  const env = io.env ?? process.env;
  const out = (text: string) => io.stdout.write(text);
  const json = (value: unknown) => out(`${JSON.stringify(value)}\n`);
  const bold = colours(io.stdout, env).bold;
  const db = (c: Command) => c.addOption(dbOption());
  const load = async (stores: StoreSet, id: string): Promise<TraceData> => {
    const trace = await stores.traces.load(id);
    if (trace === undefined) throw new TraceNotFoundError({ traceId: id });
    return trace;
  };

  db(traces.command('list').description('list traces, oldest first'))
    .option('--session <id>', "only this session's")
    .option('--project <id>', "only this project's (not its subprojects')")
    .addOption(new Option('--status <status>', 'only traces that ended so').choices(TRACE_STATUSES))
    .option('--model <model>', 'only turns the CLI ran on this model (as it names it)')
    .option('--parent <traceId>', 'only replays or forks of this trace')
    .option(
      '--since <time>',
      'created at or after: ISO date or time, or a time ago (7d, 12h)',
      timeOption('since'),
    )
    .option('--until <time>', 'created at or before: ISO date or time, or a time ago', timeOption('until'))
    .option('-n, --limit <n>', 'at most this many (default 100)', countOption)
    .option('--offset <n>', 'skip this many first', countOption)
    .option('--json', 'one JSON array')
    .action(async (o: ListFlags) => {
      const filter: TraceFilter = {
        sessionId: o.session,
        projectId: o.project,
        status: o.status,
        model: o.model,
        parentTraceId: o.parent,
        after: o.since,
        before: o.until,
        limit: o.limit,
        offset: o.offset,
      };
      const [list, total] = await withStores(o.db, io, (s) =>
        Promise.all([s.traces.list(filter), s.traces.count(filter)]),
      );
      if (o.json) json(list.map(traceListJson));
      else {
        out(
          table(
            ['ID', 'CREATED', 'STATUS', 'MODEL', 'IN/OUT', 'COST', 'PROMPT'],
            list.map((t) => [
              t.traceId,
              when(t.createdAt),
              t.status,
              t.model ?? '',
              `${t.inputTokens}/${t.outputTokens}`,
              dollars(t.costUsd),
              cell(t.prompt, 40),
            ]),
            bold,
          ),
        );
        const shown = (o.offset ?? 0) + list.length;
        if (shown < total)
          io.stderr.write(`ccflow: ${list.length} of ${total} traces; --offset ${shown} for more\n`);
      }
      done(0);
    });

  db(
    traces
      .command('show')
      .description('one trace: prompt, answer, tool calls, tokens, cost, timings')
      .argument('<traceId>'),
  )
    .option('--json', 'one JSON object')
    .action(async (id: string, o: { db?: string; json?: boolean }) => {
      const trace = await withStores(o.db, io, (s) => load(s, id));
      if (o.json) json(traceJson(trace));
      else out(showTrace(trace, bold));
      done(0);
    });

  const rerun = (name: 'replay' | 'fork', description: string) =>
    db(traces.command(name).description(description).argument('<traceId>'))
      .option('--model <model>', 'run it on this model instead of the original one')
      .option('--json', 'the new trace as one JSON object')
      .action(async (id: string, o: { db?: string; model?: string; json?: boolean }) => {
        const { trace } = await withStores(o.db, io, async (s): Promise<Replay> => {
          const original = await load(s, id);
          const project = await projectOf(original, s, io.executor);
          const options = o.model === undefined ? {} : { optionsOverride: { model: o.model } };
          return name === 'replay' ? project.replayAsNew(id, options) : project.replayFork(id, options);
        });
        if (o.json) json(traceJson(trace));
        else
          out(
            `${bold(`trace ${trace.traceId}`)} (session ${trace.sessionId}, ${name} of ${id})\n${trace.response}\n`,
          );
        // The CLI can end a turn in error without the turn throwing: the trace says how it ended.
        if (trace.status !== 'success')
          io.stderr.write(
            `ccflow: trace ${trace.traceId} ended ${trace.status}: ${trace.errorMessage ?? ''}\n`,
          );
        done(trace.status === 'success' ? 0 : 1);
      });
  rerun('replay', "run a trace's prompt again as the first turn of a new session in its project");
  rerun('fork', "run a trace's prompt again in a fork of its session, as the conversation stood before it");
}

/**
 * The trace's project, to replay in: as stored, or (its record deleted) one with its id, so the new trace lands
 * beside the original. A trace of no project cannot be replayed in one.
 */
async function projectOf(trace: TraceData, s: StoreSet, executor: Executor | undefined): Promise<Project> {
  const projectId = trace.projectId;
  if (projectId === undefined)
    throw new ProjectNotFoundError({
      projectId,
      message: `trace ${trace.traceId} belongs to no project: replay and fork run in the trace's project`,
    });
  const env = projectEnv(s, executor);
  return (await Project.load(projectId, env)) ?? new Project({ ...env, projectId, name: projectId });
}

function showTrace(t: TraceData, bold: (s: string) => string): string {
  const fields: [string, string][] = [
    ['trace', t.traceId],
    ['session', `${t.sessionId} (turn ${t.sequenceNumber})`],
    ['project', t.projectId ?? ''],
    ['parent', t.parentTraceId ?? ''],
    ['status', t.errorMessage ? `${t.status}: ${cell(t.errorMessage)}` : t.status],
    ['model', t.model ?? ''],
    [
      'tokens',
      `in ${t.inputTokens}, out ${t.outputTokens}, cache read ${t.cacheReadTokens}, cache write ${t.cacheWriteTokens}, thinking ${t.thinkingTokens}`,
    ],
    ['cost', dollars(t.costUsd)],
    ['duration', `${t.durationMs} ms`],
    ['created', t.createdAt.toISOString()],
    ['updated', t.updatedAt.toISOString()],
  ];
  const calls = t.toolCalls.map(
    (c) =>
      `${c.tool} ${cell(JSON.stringify(c.args ?? null), 60)}${c.isError ? ' (error)' : ''} → ${cell(c.result, 60)}`,
  );
  return [
    table(['FIELD', 'VALUE'], fields, bold).trimEnd(),
    `\n${bold('PROMPT')}\n${t.prompt}`,
    `\n${bold('ANSWER')}\n${t.response}`,
    ...(calls.length === 0 ? [] : [`\n${bold('TOOL CALLS')}\n${calls.join('\n')}`]),
    '',
  ].join('\n');
}
