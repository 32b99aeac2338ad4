/**
 * @module ml/trainer/history — the per-epoch record of a run (`history.json`), the metric keys the CLI contract
 * reports (`metrics.json`), and what counts as an improvement of the monitored score (issue 3 §4, §8).
 */
import { z } from 'zod';
import type { SegmentationMetrics } from '../metrics/index.ts';
import type { MonitorMetric } from './train-options.ts';

/** The validation metric keys of `metrics.json`, `fair train --json` and `fair evaluate` (the CLI contract). */
export const REPORTED_METRIC_KEYS = [
  'pixel_iou',
  'pixel_precision',
  'pixel_recall',
  'object_f1',
  'object_precision',
  'object_recall',
] as const;

/** The reported validation metrics. */
export type ReportedMetrics = Record<(typeof REPORTED_METRIC_KEYS)[number], number>;

/**
 * Picks the reported keys, rounded to 6 decimals.
 * @param metrics - a full set of segmentation metrics
 * @returns exactly the {@link REPORTED_METRIC_KEYS}
 */
export function reportedMetrics(metrics: SegmentationMetrics): ReportedMetrics {
  const out = {} as ReportedMetrics;
  for (const key of REPORTED_METRIC_KEYS) out[key] = Math.round(metrics[key] * 1e6) / 1e6;
  return out;
}

/** One epoch of a run. */
export type EpochRecord = {
  /** 1-based epoch. */
  epoch: number;
  /** Optimiser steps in the epoch. */
  steps: number;
  /** Mean training loss of the epoch's steps. */
  trainLoss: number;
  valLoss: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** Wall time of the epoch (training and validation). */
  seconds: number;
  metrics: SegmentationMetrics;
};

/** The zod schema of an {@link EpochRecord} (for history stored in checkpoints). */
export const epochRecordSchema = z.object({
  epoch: z.number().int().min(1),
  steps: z.number().int().min(0),
  trainLoss: z.number(),
  valLoss: z.number(),
  lr: z.number(),
  seconds: z.number(),
  metrics: z.object({
    pixel_iou: z.number(),
    pixel_precision: z.number(),
    pixel_recall: z.number(),
    pixel_f1: z.number(),
    object_precision: z.number(),
    object_recall: z.number(),
    object_f1: z.number(),
    object_tp: z.number(),
    object_fp: z.number(),
    object_fn: z.number(),
  }),
});

/** `history.json`: the run's setup and every epoch. */
export type TrainingHistory = {
  model: string;
  dataset: string;
  maskKind: 'binary' | 'multi';
  monitor: MonitorMetric;
  /** 1-based best epoch, null before the first validated epoch. */
  bestEpoch: number | null;
  /** Why the run ended: all epochs done, early stopping, or the abort signal. */
  stopReason: StopReason;
  trainChips: number;
  valChips: number;
  epochs: EpochRecord[];
};

/** Why a run ended. */
export type StopReason = 'completed' | 'early-stopped' | 'aborted';

/**
 * The monitored score of an epoch.
 * @param record - the epoch
 * @param monitor - which score
 */
export function monitoredValue(
  record: Pick<EpochRecord, 'valLoss' | 'metrics'>,
  monitor: MonitorMetric,
): number {
  return monitor === 'val_loss' ? record.valLoss : record.metrics[monitor];
}

/**
 * Whether `value` improves on `best` by more than `minDelta` (lower is better for `val_loss`, higher otherwise).
 * The first finite value always improves on none.
 * @param monitor - which score
 * @param value - the new score
 * @param best - the best so far, undefined when none
 * @param minDelta - smallest change that counts, default 0
 */
export function improves(
  monitor: MonitorMetric,
  value: number,
  best: number | undefined,
  minDelta = 0,
): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === undefined) return true;
  return monitor === 'val_loss' ? value < best - minDelta : value > best + minDelta;
}
