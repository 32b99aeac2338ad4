/**
 * @module workflows/local-executor/run-task — one task attempt as a standalone process, without the database: the
 * entrypoint of `fair worker run-task` (what a Kubernetes pod runs). Inputs come as JSON text or from a URI; the
 * outputs JSON goes to a URI.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import { putJson } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import { taskRef } from '../task-definition.ts';
import type { ControlPlaneHooks, TaskDefinition, TaskEvent } from '../task-definition.ts';
import type { JsonValue } from '../workflow-definition.ts';
import { startInProcessAttempt } from './in-process-attempt.ts';

/** Options of {@link runTaskStandalone}. */
export type RunTaskOptions = {
  /** `name@version`. */
  task: string;
  /** Inputs: JSON text (`{…}`), or a URI/path of a JSON file (a blob URI of the store, `file://…`, a path). */
  inputs: string;
  /** Where the outputs JSON goes: a blob URI of the store, a `file://` URI or a path. */
  outputs: string;
  /** The catalog to find the task in. */
  tasks: readonly TaskDefinition[];
  blobs: BlobStore;
  config: Config;
  /** Receives the task's log lines. */
  log(line: string): void;
  /** Receives the task's events, default: logged as `event <type> <json>`. */
  emit?(event: TaskEvent): void;
  /** Key prefix the task writes under, default the folder of `outputs` when it is in the store, else `run-task/<uuid>`. */
  outputPrefix?: string;
  /** Aborting it stops the task (ABORTED), e.g. on SIGTERM of the pod. */
  signal?: AbortSignal;
  /** Control-plane hooks for `worker` tasks, default none. */
  hooks?: ControlPlaneHooks;
};

/**
 * Runs one attempt of a task in this process and, when it succeeds, writes its outputs JSON to `outputs`.
 * @param options - task reference, inputs, outputs location, catalog, blob store, configuration and log sink
 * @returns how the attempt ended (outputs are written only for SUCCEEDED)
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown task or version (listing the known versions);
 *   INVALID_PARAMETER_VALUE for a malformed task reference, inputs that are not a JSON object, or an unsupported URI
 * @example
 * const result = await runTaskStandalone({ task: 'noop@1', inputs: '{}', outputs: 'file:///tmp/out.json',
 *   tasks: builtinTasks, blobs, config, log: (line) => process.stderr.write(`${line}\n`) });
 */
export async function runTaskStandalone(options: RunTaskOptions): Promise<AttemptResult> {
  const definition = findTask(options.tasks, options.task);
  const inputs = await readInputs(options.inputs, options.blobs);
  const outputsKey = storeKeyOf(options.blobs, options.outputs);
  const outputPrefix =
    options.outputPrefix ??
    (outputsKey !== undefined && outputsKey.includes('/')
      ? outputsKey.slice(0, outputsKey.lastIndexOf('/'))
      : `run-task/${randomUUID()}`);
  const emit =
    options.emit ??
    ((event: TaskEvent): void => options.log(`event ${event.type} ${JSON.stringify(event.data)}`));
  const running = startInProcessAttempt(
    definition,
    {
      attemptId: randomUUID(),
      ...identityOf(outputPrefix),
      task: taskRef(definition),
      attempt: 1,
      inputs,
      outputPrefix,
      timeoutMs: definition.timeoutMs,
      leaseExpiresAt: new Date(Date.now() + definition.timeoutMs),
    },
    { blobs: options.blobs, config: options.config, hooks: options.hooks, log: options.log, emit },
  );
  const onAbort = (): void => running.stop('task stopped (signal received)');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) onAbort();
  const result = await running.result.finally(() => options.signal?.removeEventListener('abort', onAbort));
  if (result.phase === 'SUCCEEDED')
    await writeOutputs(options.outputs, outputsKey, options.blobs, result.outputs);
  return result;
}

/**
 * Finds `name@version` in a catalog.
 * @throws AppError INVALID_PARAMETER_VALUE for a reference without `@`; RESOURCE_DOES_NOT_EXIST listing the known
 *   versions of the name (or the known tasks when the name is unknown)
 */
export function findTask(tasks: readonly TaskDefinition[], ref: string): TaskDefinition {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) invalid(`task ${JSON.stringify(ref)} is not name@version`);
  const name = ref.slice(0, at);
  const found = tasks.find((task) => taskRef(task) === ref);
  if (found !== undefined) return found;
  const versions = tasks.filter((task) => task.name === name).map((task) => task.version);
  throw new AppError(
    'RESOURCE_DOES_NOT_EXIST',
    versions.length > 0
      ? `task ${ref} does not exist; known versions of ${name}: ${versions.join(', ')}`
      : `task ${ref} does not exist; known tasks: ${tasks.map(taskRef).join(', ')}`,
  );
}

async function readInputs(source: string, blobs: BlobStore): Promise<Record<string, JsonValue>> {
  const text = source.trimStart().startsWith('{') ? source : await readText(source, blobs);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    invalid(`inputs ${describeSource(source)} are not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    invalid(`inputs ${describeSource(source)} are not a JSON object`);
  }
  return value as Record<string, JsonValue>;
}

async function readText(location: string, blobs: BlobStore): Promise<string> {
  const key = storeKeyOf(blobs, location);
  if (key !== undefined) return (await blobs.getBytes(key)).toString('utf8');
  const file = localPath(location);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `inputs file ${location} does not exist`);
    }
    throw error;
  }
}

async function writeOutputs(
  location: string,
  key: string | undefined,
  blobs: BlobStore,
  outputs: Record<string, JsonValue>,
): Promise<void> {
  if (key !== undefined) {
    await putJson(blobs, key, outputs);
    return;
  }
  const file = localPath(location);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
}

/** The key of a URI inside the store, or undefined for anything else. */
function storeKeyOf(blobs: BlobStore, location: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  try {
    return blobs.keyOf(location);
  } catch {
    return undefined;
  }
}

/**
 * A local file path from a `file://` URI or a path.
 * @throws AppError INVALID_PARAMETER_VALUE for any other URI scheme outside the blob store
 */
function localPath(location: string): string {
  if (location.startsWith('file://')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    invalid(`URI ${location} is neither in the blob store nor a file:// URI or path`);
  }
  return path.resolve(location);
}

function describeSource(source: string): string {
  return source.trimStart().startsWith('{') ? '(inline)' : source;
}

/**
 * The execution and node of an attempt prefix `executions/<id>/<node>/attempt-<n>` (what a Kubernetes pod is given),
 * or `standalone` for a run outside any execution.
 */
function identityOf(outputPrefix: string): { executionId: string; nodeId: string } {
  const match = /^executions\/([^/]+)\/([^/]+)\/attempt-\d+$/.exec(outputPrefix);
  return { executionId: match?.[1] ?? 'standalone', nodeId: match?.[2] ?? 'standalone' };
}
