/**
 * @module ml/trainer/trainer-checkpoints — the checkpoints of a run: `checkpoint.best.safetensors` (weights and
 * BatchNorm statistics of the best epoch) and `checkpoint.last.safetensors` (plus optimiser state and where the run
 * stands, for an exact resume); reading them back, and loading a base checkpoint for fine-tuning (issue 3 §4, §7).
 */
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';
import { checkCompatible, compareParameters, readCheckpoint, writeCheckpoint } from '../checkpoint/index.ts';
import type { CheckpointArchitecture, CheckpointTensor, LoadedCheckpoint } from '../checkpoint/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import type { OptimizerState } from '../train/index.ts';
import { epochRecordSchema } from './history.ts';
import type { EpochRecord } from './history.ts';
import { runConfigSchema } from './run-config.ts';
import type { RunConfig } from './run-config.ts';

/** File name of the best checkpoint in a run's output folder. */
export const BEST_CHECKPOINT_FILE = 'checkpoint.best.safetensors';
/** File name of the last checkpoint in a run's output folder. */
export const LAST_CHECKPOINT_FILE = 'checkpoint.last.safetensors';
/** `__metadata__` key holding the run state (JSON) in the last checkpoint. */
export const RUN_STATE_KEY = 'fair_run_state';
/** `__metadata__` key holding the monitored metric's name. */
export const MONITOR_KEY = 'fair_monitor';

/** Where a run stands, stored in the last checkpoint. */
export type RunState = {
  config: RunConfig;
  /** Completed (validated) epochs. */
  epoch: number;
  /** Completed optimiser steps. */
  step: number;
  /** Sum and count of the training losses of the current, unfinished epoch. */
  epochLossSum: number;
  epochSteps: number;
  /** Best monitored value so far and its epoch (1-based), null before the first validation. */
  bestValue: number | null;
  bestEpoch: number | null;
  /** Validated epochs since the best one. */
  staleEpochs: number;
  history: EpochRecord[];
};

const runStateSchema = z.object({
  config: runConfigSchema,
  epoch: z.number().int().min(0),
  step: z.number().int().min(0),
  epochLossSum: z.number(),
  epochSteps: z.number().int().min(0),
  bestValue: z.number().nullable(),
  bestEpoch: z.number().int().min(1).nullable(),
  staleEpochs: z.number().int().min(0),
  history: z.array(epochRecordSchema),
});

/**
 * The architecture block of a model's checkpoints (the whole model spec).
 * @param decl - the model declaration
 */
export function checkpointArchitecture(decl: ModelDeclaration): CheckpointArchitecture {
  const { spec } = decl;
  return {
    name: spec.name,
    classes: spec.classes,
    inputSize: spec.inputSize,
    normalization: { mean: [...spec.normalization.mean], std: [...spec.normalization.std] },
    inputScale: spec.inputScale,
    widths: [...spec.widths],
    classNames: [...spec.classNames],
  };
}

function tensorsOf(
  decl: ModelDeclaration,
  params: ReadonlyMap<string, Float32Array>,
): Map<string, CheckpointTensor> {
  return new Map(
    decl.parameters().map((p) => [p.name, { data: params.get(p.name) as Float32Array, shape: [...p.shape] }]),
  );
}

/**
 * Writes the best checkpoint (weights and BatchNorm statistics, no optimiser state).
 * @param path - destination
 * @param decl - the model
 * @param params - every parameter's value
 * @param meta - the best epoch, steps so far, the monitored metric and its value
 */
export async function writeBestCheckpoint(
  path: string,
  decl: ModelDeclaration,
  params: ReadonlyMap<string, Float32Array>,
  meta: { epoch: number; step: number; monitor: string; value: number },
): Promise<void> {
  await writeCheckpoint(path, {
    tensors: tensorsOf(decl, params),
    metadata: {
      architecture: checkpointArchitecture(decl),
      epoch: meta.epoch,
      step: meta.step,
      bestMetric: meta.value,
      extra: { [MONITOR_KEY]: meta.monitor },
    },
  });
}

/**
 * Writes the last checkpoint: weights, BatchNorm statistics, optimiser state and the run state.
 * @param path - destination
 * @param decl - the model
 * @param params - every parameter's value
 * @param optimizer - the optimiser's state
 * @param state - where the run stands
 */
export async function writeLastCheckpoint(
  path: string,
  decl: ModelDeclaration,
  params: ReadonlyMap<string, Float32Array>,
  optimizer: OptimizerState,
  state: RunState,
): Promise<void> {
  await writeCheckpoint(path, {
    tensors: tensorsOf(decl, params),
    optimizer,
    metadata: {
      architecture: checkpointArchitecture(decl),
      epoch: state.epoch,
      step: state.step,
      ...(state.bestValue === null ? {} : { bestMetric: state.bestValue }),
      extra: { [RUN_STATE_KEY]: JSON.stringify(state), [MONITOR_KEY]: state.config.monitor },
    },
  });
}

function valuesOf(decl: ModelDeclaration, loaded: LoadedCheckpoint): Map<string, Float32Array> {
  return new Map(
    decl.parameters().map((p) => [p.name, (loaded.tensors.get(p.name) as CheckpointTensor).data.slice()]),
  );
}

/**
 * Reads the run state stored in a last checkpoint, without checking it against a model.
 * @param path - a `checkpoint.last.safetensors`
 * @returns the checkpoint and its run state
 * @throws AppError RESOURCE_DOES_NOT_EXIST / INVALID_PARAMETER_VALUE for a missing or corrupt file, or one without
 *   run state or optimiser state (e.g. a best or base checkpoint)
 */
export async function readRunCheckpoint(
  path: string,
): Promise<{ loaded: LoadedCheckpoint; state: RunState }> {
  const loaded = await readCheckpoint(path);
  const text = loaded.metadata.extra[RUN_STATE_KEY];
  if (text === undefined || loaded.optimizer === undefined)
    invalid(
      `${path} cannot be resumed: it holds no run or optimiser state (resume from ${LAST_CHECKPOINT_FILE}, or use it as a base)`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid(`${path}: run state is not JSON`);
  }
  const parsed = runStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`${path}: run state field ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return { loaded, state: parsed.data as RunState };
}

/**
 * Parameter values of a run checkpoint, checked to fit the model exactly.
 * @param path - the checkpoint (for messages)
 * @param loaded - the checkpoint as read
 * @param decl - the model
 * @throws AppError INVALID_PARAMETER_VALUE naming the first mismatching architecture field or tensor
 */
export function exactParameters(
  path: string,
  loaded: LoadedCheckpoint,
  decl: ModelDeclaration,
): Map<string, Float32Array> {
  try {
    checkCompatible(loaded, decl.parameters(), {
      architecture: { name: decl.spec.name, classes: decl.spec.classes },
    });
  } catch (error) {
    invalid(
      `${path} does not fit ${decl.spec.name} with ${decl.spec.classes} classes: ${(error as Error).message}`,
    );
  }
  return valuesOf(decl, loaded);
}

/**
 * The parameters of the layer producing the logits (the 1×1 head), re-initialised when a base has other classes.
 * @param decl - the model
 */
export function headParameters(decl: ModelDeclaration): Set<string> {
  const { network } = decl;
  const head = network.layers.find((l) => l.output === network.output)?.name;
  return new Set(network.parameters.filter((p) => p.layer === head).map((p) => p.name));
}

/**
 * Why a base checkpoint does not fit a model as it is, or undefined when it does.
 * @param loaded - the base checkpoint
 * @param decl - the model
 */
export function baseMismatch(loaded: LoadedCheckpoint, decl: ModelDeclaration): string | undefined {
  const { name, classes } = loaded.metadata.architecture;
  if (name !== decl.spec.name) return `its architecture is ${name}, the model is ${decl.spec.name}`;
  if (classes !== decl.spec.classes)
    return `it has ${classes} classes, the dataset needs ${decl.spec.classes}`;
  return undefined;
}

/**
 * Loads a base checkpoint for fine-tuning: every parameter must be present with its shape, except the head's when
 * the base was trained for another number of classes — the head then keeps its fresh initialisation (a note says so).
 * Optimiser state in the base is ignored.
 * @param path - the base checkpoint
 * @param decl - the model to train
 * @param initial - freshly initialised values of every parameter (supplies a re-initialised head)
 * @returns the starting values and notes for the user
 * @throws AppError RESOURCE_DOES_NOT_EXIST / INVALID_PARAMETER_VALUE for a missing or corrupt file, another
 *   architecture, other input normalisation, or a missing or mis-shaped parameter
 */
export async function loadBaseParameters(
  path: string,
  decl: ModelDeclaration,
  initial: ReadonlyMap<string, Float32Array>,
): Promise<{ params: Map<string, Float32Array>; notes: string[] }> {
  const loaded = await readCheckpoint(path);
  const stored = loaded.metadata.architecture;
  if (stored.name !== decl.spec.name)
    invalid(
      `base checkpoint ${path} is a ${stored.name}, but the model is ${decl.spec.name}; pick --model ${stored.name} or another base`,
    );
  const { mean, std } = decl.spec.normalization;
  if (JSON.stringify(stored.normalization) !== JSON.stringify({ mean, std }))
    invalid(
      `base checkpoint ${path} expects another input normalisation (${JSON.stringify(stored.normalization)})`,
    );
  const head = stored.classes === decl.spec.classes ? new Set<string>() : headParameters(decl);
  const expected = decl.parameters().filter((p) => !head.has(p.name));
  try {
    checkCompatible(loaded, expected, { allowUnexpected: head.size > 0 });
  } catch (error) {
    invalid(`base checkpoint ${path} does not fit ${decl.spec.name}: ${(error as Error).message}`);
  }
  const unexpected = compareParameters(loaded.tensors, expected).unexpected.filter((n) => !head.has(n));
  if (unexpected.length > 0)
    invalid(`base checkpoint ${path} holds tensor ${unexpected[0]} that ${decl.spec.name} does not have`);
  const params = new Map<string, Float32Array>();
  for (const p of decl.parameters())
    params.set(
      p.name,
      head.has(p.name)
        ? (initial.get(p.name) as Float32Array).slice()
        : (loaded.tensors.get(p.name) as CheckpointTensor).data.slice(),
    );
  const notes =
    head.size > 0
      ? [
          `base checkpoint ${path} has ${stored.classes} classes; the head (${[...head].join(', ')}) was re-initialised for ${decl.spec.classes}`,
        ]
      : [];
  return { params, notes: [`starting from base checkpoint ${path}`, ...notes] };
}
