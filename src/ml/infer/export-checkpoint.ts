/**
 * @module ml/infer/export-checkpoint — a checkpoint file → a model folder (`model.onnx` + `model.json`),
 * with the model rebuilt from the architecture the checkpoint records.
 */
import { invalid } from '../../shared/index.ts';
import { checkCompatible, readCheckpoint } from '../checkpoint/index.ts';
import { checkModelName, declareModel } from '../models/index.ts';
import { exportModel } from './export-model.ts';
import type { ModelCardOptions } from './export-model.ts';
import type { ModelCard } from './model-card.ts';

/** Options of {@link exportCheckpoint}: the card's, and whether it records which checkpoint it came from. */
export type CheckpointExportOptions = ModelCardOptions & {
  /** Add `checkpoint` (the path), `epoch` and `step` of the checkpoint to the card's `training`, default false. */
  recordSource?: boolean;
};

/**
 * Exports the weights of a checkpoint as an inference model folder.
 * @param checkpoint - a `.safetensors` checkpoint written by the trainer (best, last or base)
 * @param dir - the model folder (created; earlier model files replaced)
 * @param options - card name, training settings and metrics; `recordSource` adds the checkpoint's path and progress
 * @returns the paths written, the card, and the checkpoint's epoch and step
 * @throws AppError INVALID_PARAMETER_VALUE for a corrupt checkpoint or one that does not fit its architecture;
 *   RESOURCE_DOES_NOT_EXIST when the file is missing
 */
export async function exportCheckpoint(
  checkpoint: string,
  dir: string,
  options: CheckpointExportOptions,
): Promise<{ onnxPath: string; cardPath: string; card: ModelCard; epoch: number; step: number }> {
  const loaded = await readCheckpoint(checkpoint);
  const { epoch, step } = loaded.metadata;
  const { architecture } = loaded.metadata;
  const names = architecture['classNames'];
  const classNames =
    Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : undefined;
  const decl = declareModel(checkModelName(architecture.name), {
    classes: architecture.classes,
    inputSize: architecture.inputSize,
    ...(classNames === undefined ? {} : { classNames }),
  });
  try {
    checkCompatible(loaded, decl.parameters(), { allowUnexpected: false });
  } catch (error) {
    invalid(`checkpoint ${checkpoint} does not fit ${architecture.name}: ${(error as Error).message}`);
  }
  const params = new Map(
    decl.parameters().map((p) => [p.name, loaded.tensors.get(p.name)?.data ?? new Float32Array()]),
  );
  const { recordSource, ...cardOptions } = options;
  const training =
    recordSource === true ? { ...options.training, checkpoint, epoch, step } : options.training;
  const exported = await exportModel(dir, decl, params, {
    ...cardOptions,
    ...(training === undefined ? {} : { training }),
  });
  return { ...exported, epoch, step };
}
