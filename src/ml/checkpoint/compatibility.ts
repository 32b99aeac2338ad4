/**
 * @module ml/checkpoint/compatibility — does a checkpoint fit a model? Compares stored tensors with the parameters a
 * model expects and names the first problem (issue 3, part 9: a mismatched checkpoint).
 */
import { invalid } from '../../shared/index.ts';
import type { CheckpointArchitecture } from './checkpoint.ts';
import type { CheckpointTensor } from './safetensors.ts';

/** A parameter a model expects: its name and shape. */
export type ParameterSpec = { name: string; shape: readonly number[] };

/** The differences between stored tensors and expected parameters. */
export type ParameterComparison = {
  /** Expected parameters the checkpoint lacks, in expected order. */
  missing: string[];
  /** Parameters present with another shape, in expected order. */
  mismatched: { name: string; expected: number[]; found: number[] }[];
  /** Stored tensors no parameter expects, sorted. */
  unexpected: string[];
};

/**
 * Compares stored tensors with expected parameters (for partial loading, e.g. a new head when fine-tuning).
 * @param tensors - the checkpoint's parameter tensors
 * @param expected - the model's parameters
 * @returns missing, mismatched and unexpected names
 */
export function compareParameters(
  tensors: ReadonlyMap<string, CheckpointTensor>,
  expected: readonly ParameterSpec[],
): ParameterComparison {
  const result: ParameterComparison = { missing: [], mismatched: [], unexpected: [] };
  const wanted = new Set<string>();
  for (const { name, shape } of expected) {
    wanted.add(name);
    const found = tensors.get(name);
    if (found === undefined) result.missing.push(name);
    else if (!sameShape(found.shape, shape))
      result.mismatched.push({ name, expected: [...shape], found: [...found.shape] });
  }
  result.unexpected = [...tensors.keys()].filter((name) => !wanted.has(name)).sort();
  return result;
}

/**
 * Checks that a checkpoint fits a model exactly: the architecture (when given) matches, every expected parameter is
 * present with its shape, and (unless `allowUnexpected`) no other tensor is stored.
 * @param checkpoint - tensors and architecture, e.g. from `readCheckpoint`
 * @param expected - the model's parameters
 * @param options - `architecture`: fields that must equal the stored ones (e.g. `{ name, classes }`), default none;
 *   `allowUnexpected`: tolerate extra tensors, default false
 * @throws AppError INVALID_PARAMETER_VALUE naming the first mismatching field or tensor (expected vs found shape)
 * @example
 * checkCompatible(await readCheckpoint(path), model.parameters, { architecture: { name: 'unet-s', classes: 4 } });
 */
export function checkCompatible(
  checkpoint: {
    tensors: ReadonlyMap<string, CheckpointTensor>;
    metadata: { architecture: CheckpointArchitecture };
  },
  expected: readonly ParameterSpec[],
  options: {
    architecture?: Partial<Pick<CheckpointArchitecture, 'name' | 'classes' | 'inputSize'>>;
    allowUnexpected?: boolean;
  } = {},
): void {
  const stored = checkpoint.metadata.architecture;
  for (const [field, value] of Object.entries(options.architecture ?? {})) {
    if (value !== undefined && stored[field] !== value)
      invalid(
        `checkpoint architecture ${field} is ${JSON.stringify(stored[field])}, expected ${JSON.stringify(value)}`,
      );
  }
  const { missing, mismatched, unexpected } = compareParameters(checkpoint.tensors, expected);
  const firstMismatch = mismatched[0];
  const firstMissingIndex = missing.length > 0 ? expected.findIndex((p) => p.name === missing[0]) : Infinity;
  const firstMismatchIndex = firstMismatch
    ? expected.findIndex((p) => p.name === firstMismatch.name)
    : Infinity;
  if (firstMissingIndex < firstMismatchIndex)
    invalid(`checkpoint lacks parameter ${missing[0]} (${missing.length} missing of ${expected.length})`);
  if (firstMismatch !== undefined)
    invalid(
      `checkpoint parameter ${firstMismatch.name} has shape [${firstMismatch.found.join(', ')}], expected [${firstMismatch.expected.join(', ')}]`,
    );
  if (!options.allowUnexpected && unexpected.length > 0)
    invalid(
      `checkpoint holds tensor ${unexpected[0]} that the model does not have (${unexpected.length} unexpected)`,
    );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
