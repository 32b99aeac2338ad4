/**
 * @module ml/trainer/training-target — what a dataset's masks ask of the model: output channels and the loss with
 * weights for sparse classes, from the class frequencies of the training chips (issue 3 §4; docs quality-facts.md).
 */
import type { MaskKind } from '../../datasets/index.ts';
import { invalid } from '../../shared/index.ts';
import type { LossSpec } from '../graph/index.ts';
import { classFrequencies, inverseSqrtFrequencyWeights, positiveWeightForBinary } from '../train/index.ts';
import { LOSS_MASK_KIND, LOSS_NAMES } from './train-options.ts';
import type { LossName } from './train-options.ts';

/** Largest class weight (binary positive weight or multi-class weight): keeps a nearly absent class from dominating. */
export const MAX_CLASS_WEIGHT = 10;

/** The model output and loss a dataset needs. */
export type TrainingTarget = {
  maskKind: MaskKind;
  /** Output channels: 1 for binary masks (sigmoid), one per class for multi-class masks (softmax). */
  classes: number;
  loss: LossSpec;
  /** Share of pixels per mask value over the training chips. */
  frequencies: number[];
};

const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/**
 * Derives the model output and the loss from the training masks.
 * - binary: 1 channel; `bce-dice` (default), `bce` or `dice`; the BCE positive weight is √(f_background / f_building),
 *   capped at {@link MAX_CLASS_WEIGHT}.
 * - multi: one channel per class (4 for RAMP masks); softmax cross-entropy with weights √(f_0 / f_c) (background 1;
 *   on Banepa 1 / 1.19 / 2.91 / 7.28), capped at {@link MAX_CLASS_WEIGHT}, plus the mean soft Dice of the building
 *   classes with weight 1 (`ce-dice`, default) or not (`ce`).
 * @param maskKind - the dataset's mask kind
 * @param classValues - number of mask values (2 for binary, 4 for RAMP masks)
 * @param masks - the training masks
 * @param lossName - the loss asked for, undefined for the mask kind's default
 * @returns classes, loss and the frequencies behind the weights
 * @throws AppError INVALID_PARAMETER_VALUE when the loss is for the other mask kind, a mask holds a value outside the
 *   classes, or a multi-class split has no background pixel
 */
export function trainingTarget(
  maskKind: MaskKind,
  classValues: number,
  masks: Iterable<Uint8Array>,
  lossName: LossName | undefined,
): TrainingTarget {
  if (lossName !== undefined && LOSS_MASK_KIND[lossName] !== maskKind) {
    const fitting = LOSS_NAMES.filter((n) => LOSS_MASK_KIND[n] === maskKind);
    const choices = `${fitting.slice(0, -1).join(', ')} or ${fitting.at(-1) ?? ''}`;
    invalid(
      `loss ${lossName} trains ${LOSS_MASK_KIND[lossName]} masks, but the dataset's masks are ${maskKind}: use ${choices}`,
    );
  }
  const raw = classFrequencies(masks, Math.max(2, classValues));
  const frequencies = raw.map((f) => Math.round(f * 1e6) / 1e6);
  if (maskKind === 'binary') {
    const posWeight = round4(Math.min(MAX_CLASS_WEIGHT, positiveWeightForBinary(raw)));
    const name = lossName ?? 'bce-dice';
    const loss: LossSpec =
      name === 'dice' ? { kind: 'dice' } : { kind: name === 'bce' ? 'bce' : 'bce-dice', posWeight };
    return { maskKind, classes: 1, loss, frequencies };
  }
  const classWeights = inverseSqrtFrequencyWeights(raw, { maxWeight: MAX_CLASS_WEIGHT }).map(round4);
  const dice = (lossName ?? 'ce-dice') === 'ce-dice' ? { diceWeight: 1 } : {};
  return { maskKind, classes: classValues, loss: { kind: 'softmax-ce', classWeights, ...dice }, frequencies };
}
