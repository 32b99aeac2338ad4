/**
 * @module ml/trainer/run-config — the settings that define a run, stored in `checkpoint.last.safetensors` so that a
 * resumed run continues with exactly the same ones; options given again on resume must agree (issue 3 §4).
 */
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';
import type { LossSpec } from '../graph/index.ts';
import type { ModelName } from '../models/index.ts';
import type { LrSchedule } from '../train/index.ts';
import { lrScheduleSchema } from '../train/index.ts';
import type {
  AugmentSettings,
  MonitorMetric,
  OptimizerName,
  ResolvedOptions,
  TrainOptions,
} from './train-options.ts';

/** Everything that fixes what a run computes. */
export type RunConfig = {
  model: ModelName;
  maskKind: 'binary' | 'multi';
  classes: number;
  inputSize: number;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: LrSchedule;
  optimizer: OptimizerName;
  weightDecay: number;
  gradientClip: number | null;
  loss: LossSpec;
  valRatio: number;
  seed: number;
  freezeEncoder: boolean;
  augment: AugmentSettings;
  monitor: MonitorMetric;
  patience: number;
  minDelta: number;
  trainChips: number;
  valChips: number;
  /** Base checkpoint the run started from, null for scratch. */
  base: string | null;
};

const lossSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bce'), posWeight: z.number().optional() }),
  z.object({ kind: z.literal('dice') }),
  z.object({
    kind: z.literal('bce-dice'),
    posWeight: z.number().optional(),
    diceWeight: z.number().optional(),
  }),
  z.object({
    kind: z.literal('softmax-ce'),
    classWeights: z.array(z.number()).optional(),
    diceWeight: z.number().min(0).optional(),
  }),
]);

/** zod schema of {@link RunConfig}. */
export const runConfigSchema = z.object({
  model: z.enum(['unet-s', 'unet-m']),
  maskKind: z.enum(['binary', 'multi']),
  classes: z.number().int().min(1),
  inputSize: z.number().int().min(1),
  epochs: z.number().int().min(1),
  batchSize: z.number().int().min(1),
  lr: z.number().positive(),
  schedule: lrScheduleSchema,
  optimizer: z.enum(['adamw', 'adam', 'sgd']),
  weightDecay: z.number().min(0),
  gradientClip: z.number().positive().nullable(),
  loss: lossSchema,
  valRatio: z.number(),
  seed: z.number().int().min(0),
  freezeEncoder: z.boolean(),
  augment: z.object({
    flips: z.boolean(),
    rotations: z.boolean(),
    brightness: z.number(),
    contrast: z.number(),
  }),
  monitor: z.enum(['object_f1', 'pixel_iou', 'val_loss']),
  patience: z.number().int().min(0),
  minDelta: z.number().min(0),
  trainChips: z.number().int().min(0),
  valChips: z.number().int().min(0),
  base: z.string().nullable(),
});

/** Maps a TrainOptions field to the RunConfig value it sets, for the agreement check on resume. */
function givenValues(options: TrainOptions, resolved: ResolvedOptions): [keyof RunConfig, unknown][] {
  const given: [keyof RunConfig, unknown][] = [];
  const add = (key: keyof RunConfig, present: boolean, value: unknown) => present && given.push([key, value]);
  add('model', options.model !== undefined, resolved.model);
  add('batchSize', options.batchSize !== undefined, resolved.batchSize);
  add('lr', options.lr !== undefined, resolved.lr);
  add('schedule', options.schedule !== undefined, resolved.schedule);
  add('optimizer', options.optimizer !== undefined, resolved.optimizer);
  add('weightDecay', options.weightDecay !== undefined, resolved.weightDecay);
  add('gradientClip', options.gradientClip !== undefined, resolved.gradientClip ?? null);
  add('valRatio', options.valRatio !== undefined, resolved.valRatio);
  add('seed', options.seed !== undefined, resolved.seed);
  add('freezeEncoder', options.freezeEncoder !== undefined, resolved.freezeEncoder);
  add('augment', options.augment !== undefined, resolved.augment);
  add('monitor', resolved.monitor !== undefined, resolved.monitor);
  return given;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The configuration of a resumed run: the stored one, with `epochs` (extending a run stretches its schedule) and the
 * early-stopping patience and minDelta taken from the options when given. Any other option given (threads and the
 * output aside) must equal the stored value.
 * @param stored - the configuration read from the checkpoint
 * @param options - the caller's options
 * @param resolved - the same options with defaults
 * @param source - the checkpoint path, for messages
 * @returns the configuration to continue with
 * @throws AppError INVALID_PARAMETER_VALUE naming the first option that contradicts the stored run
 */
export function resumedConfig(
  stored: RunConfig,
  options: TrainOptions,
  resolved: ResolvedOptions,
  source: string,
): RunConfig {
  for (const [key, value] of givenValues(options, resolved)) {
    if (same(value, stored[key])) continue;
    invalid(
      `resume from ${source}: ${key} ${JSON.stringify(value)} differs from the run's ${JSON.stringify(stored[key])}; leave it out to continue the run`,
    );
  }
  const stopping = options.earlyStopping;
  return {
    ...stored,
    epochs: options.epochs ?? stored.epochs,
    ...(stopping === false ? { patience: 0 } : {}),
    ...(stopping !== false && stopping?.patience !== undefined ? { patience: resolved.patience } : {}),
    ...(stopping !== false && stopping?.minDelta !== undefined ? { minDelta: resolved.minDelta } : {}),
  };
}
