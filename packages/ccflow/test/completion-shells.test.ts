import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionScript, type Shell } from '../src/commands/completion-script.ts';
import { buildProgram } from '../src/commands/program.ts';

// The completion scripts in the shells themselves (installed by scripts/system-deps.sh): fish's own completion
// engine, and an interactive zsh and bash in a tmux pane, where Tab is pressed as a person would.

const run = promisify(execFile);
const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
const program = buildProgram('0.0.0', io, () => {});
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ccflow-completion-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function script(shell: Shell): string {
  const path = join(work, `ccflow.${shell}`);
  writeFileSync(path, completionScript(program, shell));
  return path;
}

describe('fish', () => {
  /** What fish offers for `line`, as `name<TAB>description` lines. */
  async function complete(line: string): Promise<string[]> {
    const { stdout } = await run(
      'fish',
      ['--no-config', '-c', `source ${script('fish')}; complete -C ${JSON.stringify(line)}`],
      { cwd: import.meta.dirname },
    );
    return stdout.split('\n').filter((l) => l !== '');
  }
  const names = async (line: string) => (await complete(line)).map((l) => l.split('\t')[0]);

  it('offers subcommands with their descriptions, options, choices and file names, as the tree has them', async () => {
    expect(await complete('ccflow traces ')).toEqual([
      "fork\trun a trace's prompt again in a fork of its session, as the conversation stood before it",
      'list\tlist traces, oldest first',
      "replay\trun a trace's prompt again as the first turn of a new session in its project",
      'show\tone trace: prompt, answer, tool calls, tokens, cost, timings',
    ]);
    expect(await names('ccflow ')).toEqual(
      expect.arrayContaining(['batch', 'query', 'sessions', 'traces', 'cost', 'ui', 'worker']),
    );
    expect(await names('ccflow cost --by ')).toEqual(['day', 'model', 'project', 'session']);
    expect(await names('ccflow traces list --st')).toEqual(['--status']);
    // Options and their values skipped to find the command: `--db traces` is a value, not the subcommand.
    expect(await names('ccflow --db traces traces list --j')).toEqual(['--json']);
    expect(await names('ccflow completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(await names('ccflow traces list --db completion-s')).toEqual(['completion-shells.test.ts']);
  });
});

describe.each(['zsh', 'bash'] as const)('%s, interactive in a tmux pane', (shell) => {
  let socket: string;
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, ...args]);
  const screen = async () => (await tmux('capture-pane', '-p', '-t', 'sh')).stdout;

  /** Polls the pane until it passes `test`. */
  async function until(test: (s: string) => boolean, what: string): Promise<string> {
    const deadline = performance.now() + 15_000;
    for (;;) {
      const s = await screen();
      if (test(s)) return s;
      if (performance.now() > deadline) throw new Error(`${what}: not within 15 s; last:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types `line` at a fresh prompt and presses Tab `tabs` times; the screen once `test` passes. */
  async function press(line: string, tabs: number, test: (s: string) => boolean): Promise<string> {
    await tmux('send-keys', '-t', 'sh', 'C-c');
    await tmux('send-keys', '-t', 'sh', 'clear', 'Enter');
    await until((s) => s.trimEnd() === '%', 'a cleared screen');
    await tmux('send-keys', '-t', 'sh', '-l', line);
    for (let i = 0; i < tabs; i += 1) {
      await tmux('send-keys', '-t', 'sh', 'Tab');
      await new Promise((r) => setTimeout(r, 300));
    }
    return until(test, `${shell} completing ${JSON.stringify(line)}`);
  }

  beforeAll(async () => {
    socket = join(work, `${shell}.sock`);
    // A bare shell: no user or system start-up files, a one-character prompt, the script sourced.
    const dir = mkdtempSync(join(work, `${shell}-`));
    const rc = join(dir, shell === 'zsh' ? '.zshrc' : '.bashrc');
    const setup =
      shell === 'zsh'
        ? `PROMPT='%%'\nautoload -Uz compinit && compinit -u -d ${dir}/.zcompdump\nsource ${script('zsh')}\n`
        : `PS1='%'\nsource ${script('bash')}\n`;
    writeFileSync(rc, setup);
    const env = `env -i TERM=screen HOME=${dir} PATH=/usr/bin:/bin`;
    const start =
      shell === 'zsh'
        ? `${env} ZDOTDIR=${dir} zsh --no-globalrcs -i`
        : `${env} bash --noprofile --rcfile ${rc} -i`;
    await tmux('new-session', '-d', '-x', '120', '-y', '20', '-s', 'sh', '-c', import.meta.dirname, start);
    await until((s) => s.trimEnd() === '%', 'the first prompt');
  });
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
  });

  it('Tab offers the subcommands, completes an option, then offers its choices', async () => {
    const subs = await press('ccflow traces ', 2, (s) => /\breplay\b/.test(s) && /\bfork\b/.test(s));
    for (const word of ['fork', 'list', 'replay', 'show']) expect(subs).toMatch(new RegExp(`\\b${word}\\b`));
    if (shell === 'zsh') expect(subs).toContain('list traces, oldest first'); // zsh shows the descriptions

    // (The pane's capture drops the space typed after a completed word.)
    const option = await press('ccflow cost --b', 1, (s) => s.includes('ccflow cost --by'));
    expect(option.split('\n')[0]).toBe('%ccflow cost --by');

    const choices = await press('ccflow cost --by ', 2, (s) => /\bproject\b/.test(s));
    for (const word of ['day', 'model', 'project', 'session'])
      expect(choices).toMatch(new RegExp(`\\b${word}\\b`));

    const one = await press('ccflow completion f', 1, (s) => s.includes('ccflow completion fish'));
    expect(one.split('\n')[0]).toBe('%ccflow completion fish');
  }, 60_000);
});
