import { ConfigurationError, SessionNotFoundError } from '@ccflow/core';
import {
  type CliSessionFilesOptions,
  deleteCliSession,
  getCliSessionInfo,
  importCliSessions,
  listCliSessions,
  loadSession,
  readCliSessionMessages,
  renameCliSession,
  tagCliSession,
} from '@ccflow/sessions';
import { SQLiteSessionStore } from '@ccflow/stores-sqlite';
import { type Command, InvalidArgumentError } from 'commander';
import { when } from './format.ts';
import { type CliIO, cell, colours, table } from './output.ts';
import { cliJson, storeJson } from './session-json.ts';
import { dbOption, storePath } from './store-path.ts';

interface Where {
  db?: string;
  cli?: boolean;
  configDir?: string;
  cwd?: string;
}

/**
 * `ccflow sessions list|show|messages|tag|rename|rm|import`: the sessions in the ccflow SQLite store, or with
 * `--cli` the CLI's own session files.
 */
export function sessionsCommand(program: Command, io: CliIO, done: (code: number) => void): void {
  const sessions = program
    .command('sessions')
    .description("the sessions in the ccflow store (--db), or the CLI's own files (--cli)");
  const env = io.env ?? process.env;
  const out = (text: string) => io.stdout.write(text);
  const json = (value: unknown) => out(`${JSON.stringify(value)}\n`);
  const bold = colours(io.stdout, env).bold;

  const where = (c: Command, cliOnly = false) => {
    if (!cliOnly) {
      c.addOption(dbOption());
      c.option('--cli', "the CLI's session files instead of the store");
    }
    c.option(
      '--config-dir <dir>',
      "the CLI's config directory (default: $CLAUDE_CONFIG_DIR, else ~/.claude)",
    );
    c.option('--cwd <dir>', "only the CLI's sessions run in this directory");
    return c;
  };
  const files = (w: Where): CliSessionFilesOptions => ({
    ...(w.configDir === undefined ? {} : { configDir: w.configDir }),
    ...(w.cwd === undefined ? {} : { cwd: w.cwd }),
  });
  const withStore = async <T>(w: Where, use: (store: SQLiteSessionStore) => Promise<T>): Promise<T> => {
    const store = new SQLiteSessionStore(storePath(w.db, io));
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };
  const notFound = (id: string) => {
    throw new SessionNotFoundError({ sessionId: id, message: `no session ${id}` });
  };

  where(sessions.command('list').description('list sessions, newest first'))
    .option('-n, --limit <n>', 'at most this many', count)
    .option('--json', 'one JSON array')
    .action(async (o: Where & { limit?: number; json?: boolean }) => {
      if (o.cli) {
        const infos = await listCliSessions({
          ...files(o),
          ...(o.limit === undefined ? {} : { limit: o.limit }),
        });
        if (o.json) json(infos.map(cliJson));
        else
          out(
            table(
              ['ID', 'UPDATED', 'TAG', 'TITLE'],
              infos.map((i) => [i.sessionId, when(i.updatedAt), cell(i.tag, 20), cell(i.title)]),
              bold,
            ),
          );
      } else {
        const list = await withStore(o, (s) => s.list(o.limit === undefined ? {} : { limit: o.limit }));
        if (o.json) json(list.map(storeJson));
        else
          out(
            table(
              ['ID', 'UPDATED', 'STATUS', 'TURNS', 'COST', 'TITLE'],
              list.map((m) => [
                m.sessionId,
                when(m.updatedAt),
                m.status,
                String(m.turnCount),
                `$${m.totalCostUsd.toFixed(4)}`,
                cell(m.title),
              ]),
              bold,
            ),
          );
      }
      done(0);
    });

  where(sessions.command('show').description("one session's details").argument('<id>'))
    .option('--json', 'one JSON object')
    .action(async (id: string, o: Where & { json?: boolean }) => {
      const found = o.cli
        ? await getCliSessionInfo(id, files(o)).then((i) => i && cliJson(i))
        : await withStore(o, (s) => s.load(id)).then((s) => s && storeJson(s));
      if (found === undefined) notFound(id);
      if (o.json) json(found);
      else
        out(
          table(
            ['FIELD', 'VALUE'],
            Object.entries(found ?? {}).map(([k, v]) => [k, show(v)]),
            bold,
          ),
        );
      done(0);
    });

  where(
    sessions
      .command('messages')
      .description("a session's transcript, from the CLI's files (the store keeps no messages)")
      .argument('<id>'),
    true,
  )
    .option('--json', 'every message as one JSON line (NDJSON)')
    .action(async (id: string, o: Where & { json?: boolean }) => {
      for await (const m of readCliSessionMessages(id, files(o))) {
        if (o.json) json(m);
        else if (m.type === 'user' || m.type === 'assistant') {
          const text = m.type === 'user' && m.isSynthetic ? '' : blocksText(m.content);
          if (text !== '') out(`${bold(m.type === 'user' ? '> ' : '')}${text}\n`);
        }
      }
      done(0);
    });

  where(
    sessions
      .command('tag')
      .description('tag a session (the CLI keeps one tag)')
      .argument('<id>')
      .argument('[tag]'),
  )
    .option('--clear', 'remove the tag(s)')
    .action(async (id: string, tag: string | undefined, o: Where & { clear?: boolean }) => {
      if ((tag === undefined) === (o.clear !== true))
        throw new ConfigurationError({ field: 'tag', problem: 'give a tag or --clear' });
      if (o.cli) await tagCliSession(id, o.clear ? null : (tag ?? null), files(o));
      else
        await withStore(o, async (store) => {
          const session = (await loadSession(id, store)) ?? notFound(id);
          await session.setTags(o.clear ? [] : [...new Set([...session.state.tags, tag ?? ''])]);
        });
      done(0);
    });

  where(
    sessions.command('rename').description("set a session's title").argument('<id>').argument('<title>'),
  ).action(async (id: string, title: string, o: Where) => {
    if (o.cli) await renameCliSession(id, title, files(o));
    else
      await withStore(o, async (store) => {
        const session = (await loadSession(id, store)) ?? notFound(id);
        await session.setTitle(title);
      });
    done(0);
  });

  where(sessions.command('rm').description('delete a session').argument('<id>')).action(
    async (id: string, o: Where) => {
      const gone = o.cli ? await deleteCliSession(id, files(o)) : await withStore(o, (s) => s.delete(id));
      if (!gone) notFound(id);
      done(0);
    },
  );

  where(sessions.command('import').description("copy the CLI's sessions into the store"))
    .option('--project <id>', 'the project the imported sessions belong to')
    .option('--json', 'the counts as one JSON object')
    .action(async (o: Where & { project?: string; json?: boolean }) => {
      const result = await withStore(o, (store) =>
        importCliSessions(store, {
          ...files(o),
          ...(o.project === undefined ? {} : { projectId: o.project }),
        }),
      );
      if (o.json) json(result);
      else {
        out(
          `imported ${result.imported}, updated ${result.updated}, skipped ${result.skipped}, failed ${result.failed}\n`,
        );
        for (const f of result.failures) io.stderr.write(`ccflow: ${f.sessionId}: ${f.error}\n`);
      }
      done(result.failed > 0 ? 1 : 0);
    });
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.join(', ') : v === null ? '' : String(v);
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('not a count');
  return n;
}

function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('');
}
