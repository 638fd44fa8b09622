#!/usr/bin/env node
/**
 * A stand-in for `claude` for the faults the real CLI cannot be made to produce: garbage and giant lines, crashes,
 * hangs, ignored signals, stderr floods, orphaned tool processes. It accepts and ignores any argv and does what the
 * script in `CCFLOW_FAULT_SCRIPT` (inline JSON or a path to a JSON file) says; see `src/fault-cli.ts` for its shape.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';

const started = performance.now();
let sessionId = randomUUID();
const script = loadScript(process.env.CCFLOW_FAULT_SCRIPT);

/** @type {Set<import('node:child_process').ChildProcess>} */
const sleepers = new Set();

/** Set by a graceful SIGINT: steps stop writing so the result line is the last one. */
let stopping = false;

let stdinText = '';
let stdinLines = 0;
let stdinLinesTaken = 0;
let stdinEnded = false;
/** @type {Array<() => void>} */
let stdinWaiters = [];

function wakeStdinWaiters() {
  const waiters = stdinWaiters;
  stdinWaiters = [];
  for (const wake of waiters) wake();
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  stdinText += text;
  stdinLines += text.split('\n').length - 1;
  wakeStdinWaiters();
});
process.stdin.on('end', () => {
  stdinEnded = true;
  writeRecord();
  wakeStdinWaiters();
});
process.stdin.on('error', () => {
  stdinEnded = true;
  wakeStdinWaiters();
});

// A reader that goes away must not turn into an uncaught EPIPE.
process.stdout.on('error', () => exitNow(1));
process.stderr.on('error', () => {});

process.on('exit', writeRecord);
installSignalHandlers();
run().then(
  () => exitAfterFlush(0),
  (error) => {
    process.stderr.write(`fault-cli: ${error instanceof Error ? error.stack : String(error)}\n`);
    exitAfterFlush(1);
  },
);

async function run() {
  for (const step of script.steps) {
    if ('replay' in step) await replay(step);
    else if ('print' in step) await out(process.stdout, `${step.print}\n`);
    else if ('giantLine' in step) await giantLine(step.giantLine.bytes);
    else if ('stderr' in step) {
      for (let i = 0; i < (step.repeat ?? 1); i++) await out(process.stderr, `${step.stderr}\n`);
    } else if ('sleep' in step) await delay(step.sleep);
    else if ('waitStdin' in step) await waitStdin(step.waitStdin);
    else if ('spawnSleeper' in step) spawnSleeper(step.spawnSleeper);
    else if ('hang' in step) await hang();
    else if ('exit' in step) {
      await exitAfterFlush(step.exit);
      return;
    } else if ('kill' in step) {
      writeRecord();
      await flushed(process.stdout);
      process.kill(process.pid, step.kill);
      await hang();
    }
  }
}

async function replay({ replay: path, delayMs, lines: range }) {
  let lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (range) lines = lines.slice(range[0], range[1]);
  for (let i = 0; i < lines.length; i++) {
    if (i > 0 && delayMs) await delay(delayMs);
    const id = /"session_id"\s*:\s*"([^"]+)"/.exec(lines[i]);
    if (id) sessionId = id[1];
    await out(process.stdout, `${lines[i]}\n`);
  }
}

/** One valid assistant line of `bytes` bytes (newline not counted), written in chunks. */
async function giantLine(bytes) {
  const head = `{"type":"assistant","message":{"id":"msg_fault_giant","type":"message","role":"assistant","model":"claude-fault","content":[{"type":"text","text":"`;
  const tail = `"}],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}},"parent_tool_use_id":null,"session_id":"${sessionId}","uuid":"${randomUUID()}"}\n`;
  const chunk = 'x'.repeat(64 * 1024);
  await out(process.stdout, head);
  for (let left = Math.max(0, bytes - head.length - tail.length + 1); left > 0; left -= chunk.length) {
    await out(process.stdout, left >= chunk.length ? chunk : chunk.slice(0, left));
  }
  await out(process.stdout, tail);
}

/** Waits for a stdin line not yet taken by an earlier step, or for stdin to end; either returns at end of input. */
async function waitStdin(what) {
  while (true) {
    if (what === 'line' && stdinLines > stdinLinesTaken) {
      stdinLinesTaken++;
      return;
    }
    if (stdinEnded) return;
    await new Promise((resolve) => stdinWaiters.push(resolve));
  }
}

/** Like a Bash tool of the real CLI: `sleep` in its own session, so killing the CLI alone leaves it running. */
function spawnSleeper({ seconds, pidFile }) {
  const child = spawn('sleep', [String(seconds)], { detached: true, stdio: 'ignore' });
  child.on('error', (error) => process.stderr.write(`fault-cli: sleeper: ${error.message}\n`));
  child.once('exit', () => sleepers.delete(child));
  child.unref();
  sleepers.add(child);
  writeFileSync(pidFile, String(child.pid));
}

/** Kills each sleeper's process group and waits (briefly) until they are reaped. */
async function killSleepers() {
  const exits = [];
  for (const child of sleepers) {
    exits.push(once(child, 'exit'));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.race([Promise.all(exits), delay(1000)]);
}

function installSignalHandlers() {
  if (script.ignoreSigterm) process.on('SIGTERM', () => {});
  else {
    process.on('SIGTERM', () => {
      writeRecord();
      process.removeAllListeners('SIGTERM');
      process.kill(process.pid, 'SIGTERM');
    });
  }
  const onSigint = script.onSigint ?? 'result';
  if (onSigint === 'ignore') process.on('SIGINT', () => {});
  else if (onSigint === 'exit') process.on('SIGINT', () => exitNow(130));
  else {
    process.on('SIGINT', async () => {
      if (stopping) return;
      stopping = true;
      await killSleepers();
      process.stdout.write(`${JSON.stringify(interruptedResult())}\n`);
      // Not stderr: a stderr nobody reads must not keep it from stopping.
      await flushed(process.stdout);
      exitNow(0);
    });
  }
}

function interruptedResult() {
  return {
    type: 'result',
    subtype: 'error_during_execution',
    is_error: true,
    session_id: sessionId,
    num_turns: 0,
    duration_ms: Math.round(performance.now() - started),
    total_cost_usd: 0,
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    result: null,
    errors: ['interrupted'],
  };
}

function writeRecord() {
  if (!script.record) return;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(CCFLOW_|ANTHROPIC_|CLAUDE)/.test(key) || key === 'TRACEPARENT') env[key] = value;
  }
  writeFileSync(
    script.record,
    JSON.stringify({ argv: process.argv.slice(2), stdin: stdinText, env, pid: process.pid }),
  );
}

/** Writes and, when the stream's buffer is full, waits for it to drain. Never returns once stopping. */
async function out(stream, text) {
  if (stopping) await new Promise(() => {});
  if (!stream.write(text)) await once(stream, 'drain');
}

/** Resolves once everything written so far has been handed to the OS. */
function flushed(stream) {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

async function exitAfterFlush(code) {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  exitNow(code);
}

function exitNow(code) {
  process.exit(code);
}

function hang() {
  setInterval(() => {}, 1 << 30);
  return new Promise(() => {});
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function loadScript(raw) {
  if (raw === undefined || raw.trim() === '')
    fail('CCFLOW_FAULT_SCRIPT is not set: give a JSON script or a path to one');
  let text = raw;
  if (!raw.trimStart().startsWith('{')) {
    try {
      text = readFileSync(raw, 'utf8');
    } catch (error) {
      fail(`CCFLOW_FAULT_SCRIPT: cannot read ${raw}: ${error.message}`);
    }
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`CCFLOW_FAULT_SCRIPT is not valid JSON: ${error.message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.steps)) {
    fail('CCFLOW_FAULT_SCRIPT: expected an object with a "steps" array');
  }
  for (const [i, step] of parsed.steps.entries()) {
    if (!isStep(step)) fail(`CCFLOW_FAULT_SCRIPT: step ${i} is not a known step: ${JSON.stringify(step)}`);
  }
  if (parsed.onSigint !== undefined && !['result', 'exit', 'ignore'].includes(parsed.onSigint)) {
    fail(
      `CCFLOW_FAULT_SCRIPT: onSigint must be "result", "exit" or "ignore", not ${JSON.stringify(parsed.onSigint)}`,
    );
  }
  return parsed;
}

function isStep(step) {
  if (typeof step !== 'object' || step === null) return false;
  if ('replay' in step) return typeof step.replay === 'string';
  if ('print' in step) return typeof step.print === 'string';
  if ('giantLine' in step) return typeof step.giantLine?.bytes === 'number';
  if ('stderr' in step) return typeof step.stderr === 'string';
  if ('sleep' in step) return typeof step.sleep === 'number';
  if ('waitStdin' in step) return step.waitStdin === 'line' || step.waitStdin === 'end';
  if ('spawnSleeper' in step) {
    return typeof step.spawnSleeper?.seconds === 'number' && typeof step.spawnSleeper.pidFile === 'string';
  }
  if ('hang' in step) return step.hang === true;
  if ('exit' in step) return Number.isInteger(step.exit);
  if ('kill' in step) return step.kill === 'SIGKILL' || step.kill === 'SIGSEGV';
  return false;
}

function fail(message) {
  process.stderr.write(`fault-cli: ${message}\n`);
  process.exit(2);
}
