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

/**
 * Exports the weights of a checkpoint as an inference model folder.
 * @param checkpoint - a `.safetensors` checkpoint written by the trainer (best, last or base)
 * @param dir - the model folder (created; earlier model files replaced)
 * @param options - card name, training settings and metrics
 * @returns the paths written and the card
 * @throws AppError INVALID_PARAMETER_VALUE for a corrupt checkpoint or one that does not fit its architecture;
 *   RESOURCE_DOES_NOT_EXIST when the file is missing
 */
export async function exportCheckpoint(
  checkpoint: string,
  dir: string,
  options: ModelCardOptions,
): Promise<{ onnxPath: string; cardPath: string; card: ModelCard }> {
  const loaded = await readCheckpoint(checkpoint);
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
  return exportModel(dir, decl, params, options);
}
