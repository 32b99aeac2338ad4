/** @module workflows/task-definition — what a task is: a typed, versioned unit of work and its run function. */
import type { z } from 'zod';
import type { Config } from '../shared/index.ts';
import type { BlobStore } from '../storage/index.ts';

/** Resources a task attempt asks its executor for (the Kubernetes executor turns these into requests/limits). */
export type TaskResources = {
  /** CPU cores, default 1. */
  cpu: number;
  /** Memory in MiB, default 2048. */
  memoryMb: number;
  /** GPUs, default 0. */
  gpu: number;
};

/** Retries after a failed attempt: `retries` more attempts, waiting `backoffMs × 2^(attempt-1)` (capped) between. */
export type RetryPolicy = { retries: number; backoffMs: number; maxBackoffMs: number };

/** One event a running task reports (training metrics, progress); stored in the execution's event stream. */
export type TaskEvent = { type: string; data: Record<string, unknown> };

/** A model version the `register` task records; the registry issue fills in the rest of its metadata. */
export type ModelVersionRecord = {
  /** Registered model name (e.g. `banepa-buildings`). */
  name: string;
  /** Blob URIs of the model's files (`model.onnx`, `model.json`, `checkpoint`, `metrics.json`, …). */
  artifacts: Record<string, string>;
  /** Evaluation metrics (`pixel_iou`, `object_f1`, …). */
  metrics: Record<string, number>;
  /** Free-form provenance: dataset URI, base model, training parameters. */
  source: Record<string, unknown>;
};

/** Services of the control plane that only tasks placed on the worker (`placement: 'worker'`) may call. */
export interface ControlPlaneHooks {
  /**
   * Records a model version and returns its number (1, 2, … per name).
   * @param record - what was produced
   * @param lineage - the execution and node that produced it
   */
  registerModelVersion(
    record: ModelVersionRecord,
    lineage: { executionId: string; nodeId: string },
  ): Promise<{ name: string; version: number }>;
  /**
   * Finds a recorded model version (`version` omitted: the latest).
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming the model and version
   */
  resolveModelVersion(name: string, version?: number): Promise<ModelVersionRecord & { version: number }>;
}

/** Which attempt of which node of which execution is running (lineage, log prefixes, tracking). */
export type AttemptIdentity = {
  /** Execution id (`standalone` for `fair worker run-task` outside an execution). */
  executionId: string;
  /** Node id within the workflow (`standalone` outside an execution). */
  nodeId: string;
  /** 1-based attempt number of the node. */
  attempt: number;
};

/** What a task's `run` receives besides its inputs. */
export type TaskContext = AttemptIdentity & {
  /** The blob store for large values; a task writes under `outputPrefix` only. */
  blobs: BlobStore;
  /** Key prefix owned by this attempt (`executions/<id>/<node>/attempt-<n>`), so retries never overwrite. */
  outputPrefix: string;
  /** A local scratch folder, empty at start and removed after the attempt. */
  workDir: string;
  /** Configuration of the process running the task. */
  config: Config;
  /** Aborted when the execution is cancelled or the attempt times out; long work must check it. */
  signal: AbortSignal;
  /** One line of the task's log (also stored in the database and shown by `fair workflow logs`). */
  log(line: string): void;
  /** An event for the execution's stream (e.g. `{type: 'metrics', data: {epoch, val_loss, …}}`). */
  emit(event: TaskEvent): void;
  /** Control-plane services; present only for tasks with `placement: 'worker'`. */
  hooks: ControlPlaneHooks | undefined;
};

/** A task as declared in code: its typed interface (zod schemas yield validation and docs), policy and function. */
export type TaskDefinition<I = unknown, O = unknown> = {
  /** Kebab- or snake-case name, unique in the catalog (`prepare_dataset`). */
  name: string;
  /** Version of this declaration (`1`, `2`, …); a changed interface or behaviour is a new version. */
  version: string;
  /** One sentence for `fair workflow describe`. */
  description: string;
  /** Schema of the inputs (an object schema). */
  inputs: z.ZodType<I>;
  /** Schema of the outputs (an object schema); blob references are URI strings. */
  outputs: z.ZodType<O>;
  resources: TaskResources;
  retries: RetryPolicy;
  /** Wall-clock limit of one attempt in ms. */
  timeoutMs: number;
  /** Reuse outputs of an earlier successful run with the same cache key. */
  cache: boolean;
  /** Bump to invalidate cached results without changing the task version. */
  cacheVersion: string;
  /** `process`: a child process of the executor (default; can be killed); `worker`: inside the worker, with hooks. */
  placement: 'process' | 'worker';
  run(inputs: I, context: TaskContext): Promise<O>;
};

/** Declaration defaults: 1 CPU, 2 GiB, no GPU, no retries, 1 h timeout, cache on, cacheVersion `1`, `process`. */
export type TaskDeclaration<I, O> = Pick<
  TaskDefinition<I, O>,
  'name' | 'version' | 'description' | 'inputs' | 'outputs' | 'run'
> &
  Partial<Omit<TaskDefinition<I, O>, 'resources' | 'retries'>> & {
    resources?: Partial<TaskResources>;
    retries?: Partial<RetryPolicy>;
  };

/**
 * Declares a task with defaults for everything but its name, version, description, schemas and function.
 * @param declaration - the task; unspecified policy fields take the defaults of {@link TaskDeclaration}
 * @returns the complete definition
 */
export function defineTask<I, O>(declaration: TaskDeclaration<I, O>): TaskDefinition<I, O> {
  return {
    timeoutMs: 3_600_000,
    cache: true,
    cacheVersion: '1',
    placement: 'process',
    ...declaration,
    resources: { cpu: 1, memoryMb: 2048, gpu: 0, ...declaration.resources },
    retries: { retries: 0, backoffMs: 1000, maxBackoffMs: 60_000, ...declaration.retries },
  };
}

/** `name@version`, the reference workflows use for a task. */
export function taskRef(task: { name: string; version: string }): string {
  return `${task.name}@${task.version}`;
}
