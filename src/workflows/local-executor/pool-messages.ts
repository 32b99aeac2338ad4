/**
 * @module workflows/local-executor/pool-messages — the IPC messages between the process pool and its task processes
 * (`task-process.ts`), and the marker line that ends an attempt's stdout/stderr.
 */
import type { Config } from '../../shared/index.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import type { AttemptIdentity, TaskEvent } from '../task-definition.ts';
import type { JsonValue } from '../workflow-definition.ts';

/** First message to a task process (in answer to its `hello`): what to load and where its store and scratch space are. */
export type InitMessage = {
  type: 'init';
  /** File URL or path of the catalog module (`export const taskCatalog`). */
  catalogModule: string;
  /** The parent's configuration (so flags such as `--data` reach the child too). */
  config: Config;
  /** Base URI of the parent's blob store; the child opens the same store. */
  blobBaseUri: string;
  /** Folder the child creates attempts' scratch folders in; the pool removes it when the child ends. */
  scratchRoot: string;
};

/** One attempt to run. */
export type RunMessage = {
  type: 'run';
  attemptId: string;
  /** `name@version`. */
  task: string;
  inputs: Record<string, JsonValue>;
  outputPrefix: string;
  identity: AttemptIdentity;
};

/** Messages from the pool to a task process. */
export type ParentMessage = InitMessage | RunMessage;

/** Messages from a task process to the pool. */
export type ChildMessage =
  /** The child listens for messages now (messages sent before that would be lost): send `init`. */
  | { type: 'hello' }
  | { type: 'ready'; pid: number }
  | { type: 'fatal'; error: string }
  | { type: 'log'; attemptId: string; line: string }
  | { type: 'event'; attemptId: string; event: TaskEvent }
  | { type: 'result'; attemptId: string; result: AttemptResult };

/**
 * Written (followed by the attempt id and a newline) to stdout and to stderr after an attempt ends and before its
 * result is sent, so the pool knows every output line of the attempt has arrived.
 */
export const END_OF_ATTEMPT_MARKER = '\u001efair-attempt-end:';
