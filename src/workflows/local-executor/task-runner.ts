/**
 * @module workflows/local-executor/task-runner — runs one attempt of a task in the current process: validates the
 * inputs, gives the task a scratch folder and its context, validates the outputs, and turns what happened into an
 * `AttemptResult` (the same code runs in pool children, in the worker for `placement: 'worker'`, and standalone).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { isAppError } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import { taskRef } from '../task-definition.ts';
import type { AttemptIdentity, ControlPlaneHooks, TaskDefinition, TaskEvent } from '../task-definition.ts';
import type { JsonValue } from '../workflow-definition.ts';

/** Largest inline JSON of one attempt's outputs (bytes of UTF-8); larger values belong in the blob store. */
export const MAX_INLINE_OUTPUT_BYTES = 1024 * 1024;

/** Everything of a `TaskContext` that does not depend on the attempt's scratch folder. */
export type TaskRunParts = {
  /** The attempt being run. */
  identity: AttemptIdentity;
  blobs: BlobStore;
  config: Config;
  /** Key prefix owned by the attempt (`executions/<id>/<node>/attempt-<n>`). */
  outputPrefix: string;
  /** Aborted on cancel or timeout; the caller decides what the abort means. */
  signal: AbortSignal;
  log(line: string): void;
  emit(event: TaskEvent): void;
  /** Control-plane services, for `placement: 'worker'` tasks only; default undefined. */
  hooks?: ControlPlaneHooks | undefined;
  /** Folder the attempt's scratch folder is created in, default `os.tmpdir()`. */
  scratchRoot?: string;
};

/**
 * Runs one attempt of a task and reports how it ended; never throws for anything the task does.
 * - Inputs failing the task's schema → FAILED, not retryable, naming the field.
 * - The task throwing AppError INVALID_PARAMETER_VALUE → FAILED, not retryable; any other error → FAILED, retryable.
 * - Outputs failing the output schema, not JSON, or over {@link MAX_INLINE_OUTPUT_BYTES} → FAILED, not retryable.
 * The scratch folder (`context.workDir`) is created empty before the run and removed after it, whatever happened.
 * @param definition - the task
 * @param rawInputs - the resolved inputs as received (validated here)
 * @param parts - blob store, configuration, output prefix, abort signal, log/emit sinks and hooks
 * @returns the attempt's result; SUCCEEDED carries the outputs as parsed by the output schema
 * @example
 * const result = await runTaskAttempt(addTask, { a: 1, b: 2 }, { identity, blobs, config, outputPrefix, signal, log, emit });
 */
export async function runTaskAttempt(
  definition: TaskDefinition,
  rawInputs: unknown,
  parts: TaskRunParts,
): Promise<AttemptResult> {
  const ref = taskRef(definition);
  const inputs = definition.inputs.safeParse(rawInputs);
  if (!inputs.success) {
    return {
      phase: 'FAILED',
      error: `inputs of task ${ref}: ${describeIssues(inputs.error)}`,
      retryable: false,
    };
  }
  let workDir: string | undefined;
  try {
    workDir = await mkdtemp(path.join(parts.scratchRoot ?? os.tmpdir(), 'fair-attempt-'));
    const outputs = await definition.run(inputs.data, {
      ...parts.identity,
      blobs: parts.blobs,
      outputPrefix: parts.outputPrefix,
      workDir,
      config: parts.config,
      signal: parts.signal,
      log: parts.log,
      emit: parts.emit,
      hooks: parts.hooks,
    });
    return checkOutputs(ref, definition.outputs, outputs);
  } catch (error) {
    return errorResult(error);
  } finally {
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Maps a thrown value to a FAILED result: AppError INVALID_PARAMETER_VALUE is not retryable, anything else is.
 * @param error - what was thrown
 * @returns FAILED with the error's one-line message
 */
export function errorResult(error: unknown): AttemptResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    phase: 'FAILED',
    error: message.replace(/\s*\n\s*/g, ' ') || 'task failed without a message',
    retryable: !isAppError(error, 'INVALID_PARAMETER_VALUE'),
  };
}

function checkOutputs(ref: string, schema: z.ZodType, outputs: unknown): AttemptResult {
  const parsed = schema.safeParse(outputs);
  if (!parsed.success) {
    return {
      phase: 'FAILED',
      error: `outputs of task ${ref}: ${describeIssues(parsed.error)}`,
      retryable: false,
    };
  }
  const value: unknown = parsed.data;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { phase: 'FAILED', error: `outputs of task ${ref} are not a JSON object`, retryable: false };
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return {
      phase: 'FAILED',
      error: `outputs of task ${ref} are not JSON: ${error instanceof Error ? error.message : String(error)}`,
      retryable: false,
    };
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_INLINE_OUTPUT_BYTES) {
    return {
      phase: 'FAILED',
      error: `outputs of task ${ref} are ${bytes} bytes of inline JSON, over the ${MAX_INLINE_OUTPUT_BYTES}-byte limit; write large values to the blob store and return their URIs`,
      retryable: false,
    };
  }
  return { phase: 'SUCCEEDED', outputs: JSON.parse(text) as Record<string, JsonValue> };
}

/** `field.path: message; other: message` from a zod error (at most 3 issues). */
function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return issues.join('; ') + more;
}
