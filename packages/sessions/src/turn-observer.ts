import type { Prompt } from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import type { Span } from '@opentelemetry/api';
import type { SendOptions, Session } from './session.ts';

/** A turn about to run: after the refusal checks, before the CLI starts. */
export interface TurnStart {
  readonly session: Session;
  readonly prompt: Prompt;
  readonly send: SendOptions;
  /** The turn's span (`session.turn N`): add attributes to it, or parent your own spans on it. */
  readonly span: Span;
}

/** How a turn ended. */
export interface TurnEnd {
  /** The turn's `result`, when one came. */
  readonly result: ResultMessage | undefined;
  /** True when the turn threw (a failure, an abort); `error` is what it threw. */
  readonly threw: boolean;
  readonly error: unknown;
  /** The session's `interrupt()` ended the turn early: its failed result is what was asked for. */
  readonly interrupted?: boolean;
}

/** What watches one turn: each message as it is yielded, then the end, however the turn ends. */
export interface TurnWatch {
  message?(message: Message): void;
  /** Awaited before the turn's stream ends. */
  end(end: TurnEnd): void | Promise<void>;
}

/** A session just made from another by `fork()` or `Session.branch`; it carries the observers told of it. */
export interface SessionFork {
  /** The new session. */
  readonly session: Session;
  /** The id of the session it branches from. */
  readonly from: string;
  /** The session object `fork()` was called on; undefined for `Session.branch`, which knows `from` by id only. */
  readonly parent: Session | undefined;
  /** The message the branch starts after (`Session.branch`'s `at`); undefined: the whole conversation. */
  readonly at: string | undefined;
}

/**
 * Sees every turn of the sessions it is given to (`SessionOptions.observers`, carried to forks): how tracing, and
 * your own recorders, compose with a `Session` without subclassing it. One observer may serve many sessions: keep
 * per-session state keyed by the session. `startTurn` is awaited; what it throws fails the turn before the CLI
 * starts; `forked`, when present, is awaited before `fork()` or `Session.branch` saves and returns the new session.
 */
export interface TurnObserver {
  /** A turn is about to run; return a watch to see its messages and its end. */
  startTurn(turn: TurnStart): TurnWatch | undefined | Promise<TurnWatch | undefined>;
  /** A session that carries this observer was made from another. */
  forked?(fork: SessionFork): void | Promise<void>;
}
