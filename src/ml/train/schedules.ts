/**
 * @module ml/train/schedules — learning-rate schedules (constant, step, exponential, linear, cosine), each with an
 * optional linear warm-up; pure functions of the step so a resumed run continues on the same curve.
 */
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';

/** Linear warm-up from `baseLr / warmupSteps` to `baseLr` over the first `warmupSteps` steps (default 0). */
type Warmup = { warmupSteps?: number };

/**
 * A learning-rate schedule. After warm-up, each kind is evaluated on the post-warm-up step
 * `s = step − warmupSteps` over `T = totalSteps − warmupSteps` steps:
 * - `constant`: `baseLr`;
 * - `step`: `baseLr · gamma^floor(s / stepSize)`;
 * - `exponential`: `baseLr · gamma^s`;
 * - `linear`: from `baseLr` down to `minLr` (default 0) at `s = T`;
 * - `cosine`: `minLr + (baseLr − minLr)·(1 + cos(π·s/T))/2`, `minLr` default 0.
 * Steps past `totalSteps` keep the final value.
 */
export type LrSchedule =
  | ({ kind: 'constant' } & Warmup)
  | ({ kind: 'step'; stepSize: number; gamma: number } & Warmup)
  | ({ kind: 'exponential'; gamma: number } & Warmup)
  | ({ kind: 'linear'; minLr?: number } & Warmup)
  | ({ kind: 'cosine'; minLr?: number } & Warmup);

const warmup = { warmupSteps: z.number().int().min(0).optional() };
const positiveInt = z.number().int().positive();
const factor = z.number().gt(0).max(1);
const minLr = z.number().min(0).optional();

/** The zod schema of {@link LrSchedule}, for validating schedules read from files, the CLI or HTTP. */
export const lrScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant'), ...warmup }),
  z.strictObject({ kind: z.literal('step'), stepSize: positiveInt, gamma: factor, ...warmup }),
  z.strictObject({ kind: z.literal('exponential'), gamma: factor, ...warmup }),
  z.strictObject({ kind: z.literal('linear'), minLr, ...warmup }),
  z.strictObject({ kind: z.literal('cosine'), minLr, ...warmup }),
]);

/**
 * Validates an untrusted schedule.
 * @param value - e.g. parsed JSON
 * @returns the schedule
 * @throws AppError INVALID_PARAMETER_VALUE naming the first bad field
 */
export function parseLrSchedule(value: unknown): LrSchedule {
  const parsed = lrScheduleSchema.safeParse(value);
  if (parsed.success) return parsed.data as LrSchedule;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `lr schedule field ${issue.path.join('.')}` : 'lr schedule';
  return invalid(`${where}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The learning rate at a step.
 * @param schedule - the schedule (validated here)
 * @param baseLr - the peak learning rate, finite and >= 0
 * @param step - the 0-based index of the step about to be taken
 * @param totalSteps - the planned number of steps, >= 1
 * @returns the learning rate of step `step`
 * @throws AppError INVALID_PARAMETER_VALUE on a bad schedule, `baseLr`, `step` or `totalSteps`
 * @example
 * learningRateAt({ kind: 'cosine', warmupSteps: 100 }, 1e-3, 0, 1000); // 1e-5
 */
export function learningRateAt(
  schedule: LrSchedule,
  baseLr: number,
  step: number,
  totalSteps: number,
): number {
  const s = parseLrSchedule(schedule);
  if (!(Number.isFinite(baseLr) && baseLr >= 0))
    invalid(`base learning rate ${baseLr} must be a finite number >= 0`);
  if (!Number.isSafeInteger(step) || step < 0) invalid(`step ${step} must be an integer >= 0`);
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 1)
    invalid(`totalSteps ${totalSteps} must be an integer >= 1`);
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return (baseLr * (step + 1)) / warm;
  const after = step - warm;
  const span = Math.max(1, totalSteps - warm);
  const progress = Math.min(1, after / span);
  switch (s.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * s.gamma ** Math.floor(Math.min(after, span) / s.stepSize);
    case 'exponential':
      return baseLr * s.gamma ** Math.min(after, span);
    case 'linear': {
      const floor = Math.min(s.minLr ?? 0, baseLr);
      return baseLr + (floor - baseLr) * progress;
    }
    case 'cosine': {
      const floor = Math.min(s.minLr ?? 0, baseLr);
      return floor + ((baseLr - floor) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
  }
}
