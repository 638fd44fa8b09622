import type { Message } from '@ccflow/parser';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { CLIExecutor } from '../src/cli-executor.ts';
import { PermissionDeniedError, SessionNotFoundError } from '../src/errors.ts';
import { collectQueryResult } from '../src/query-result.ts';

// What the real CLI reports, as typed errors. Three CLI runs.

const sandbox = useClaudeSandbox();

it('resuming an id the CLI does not know is SessionNotFoundError', async () => {
  const executor = new CLIExecutor(sandbox.executorOptions);
  const id = '5e2b1c3d-0000-4000-8000-00000000beef';
  const r = await collectQueryResult(executor.execute({ prompt: 'again', options: { resume: id } }));
  expect(r.error).toBeInstanceOf(SessionNotFoundError);
  expect((r.error as SessionNotFoundError).sessionId).toBe(id);
  expect(sandbox.api.requests.filter((q) => q.path === '/v1/messages')).toHaveLength(0);
});

it('a tool the CLI denies: reported on the result, and PermissionDeniedError when the caller is strict', async () => {
  const executor = new CLIExecutor(sandbox.executorOptions);
  const write = () => reply.toolUse('Write', { file_path: `${sandbox.box.cwd}/denied.txt`, content: 'x' });
  sandbox.api.enqueue(write(), reply.text('I could not write it.'));
  const lenient = await collectQueryResult(
    executor.execute({ prompt: 'write', options: { tools: ['Write'] } }),
  );
  expect(lenient.error).toBeUndefined();
  expect(lenient.result?.permissionDenials).toEqual([
    {
      toolName: 'Write',
      toolUseId: expect.any(String),
      toolInput: expect.objectContaining({ content: 'x' }),
    },
  ]);

  sandbox.api.enqueue(write(), reply.text('I could not write it.'));
  const messages: Message[] = [];
  const strict = await collectQueryResult(
    executor.execute({ prompt: 'write', options: { tools: ['Write'], strictPermissions: true } }),
    (m) => void messages.push(m),
  );
  expect(strict.error).toBeInstanceOf(PermissionDeniedError);
  expect(strict.error).toMatchObject({ toolName: 'Write' });
  // The denial itself was yielded before the run ended.
  expect(messages.some((m) => m.type === 'system' && m.subtype === 'permission_denied')).toBe(true);
});
