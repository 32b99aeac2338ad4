/**
 * @module ml/trainer/train-artifacts — the files a run leaves in its output folder besides checkpoints:
 * `model.onnx` + `model.json` (from the best epoch), `metrics.json`, `history.json` and `history.png` (issue 3 §8).
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../../shared/index.ts';
import { exportModel } from '../infer/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import { svgToPng, trainingCurvesSvg } from '../report/index.ts';
import type { TrainingCurves } from '../report/index.ts';
import { reportedMetrics } from './history.ts';
import type { ReportedMetrics, TrainingHistory } from './history.ts';
import type { RunConfig } from './run-config.ts';
import { BEST_CHECKPOINT_FILE, LAST_CHECKPOINT_FILE } from './trainer-checkpoints.ts';

/** File names in a run's output folder. */
export const TRAIN_FILES = {
  onnx: 'model.onnx',
  card: 'model.json',
  metrics: 'metrics.json',
  history: 'history.json',
  picture: 'history.png',
  bestCheckpoint: BEST_CHECKPOINT_FILE,
  lastCheckpoint: LAST_CHECKPOINT_FILE,
} as const;

async function writeAtomically(path: string, bytes: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}

const fixed = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/**
 * The picture's content for a history: loss, pixel_iou and object_f1 per epoch, the learning rate, the best epoch.
 * @param history - the run's history
 */
export function curvesOfHistory(history: TrainingHistory): TrainingCurves {
  const epochs = history.epochs;
  const best = epochs.find((e) => e.epoch === history.bestEpoch);
  const stop = history.stopReason === 'completed' ? '' : `, ${history.stopReason}`;
  const subtitle =
    best === undefined
      ? `no validated epoch yet${stop}`
      : `best epoch ${best.epoch} of ${epochs.length} by ${history.monitor}: pixel_iou ${fixed(best.metrics.pixel_iou)}, ` +
        `object_f1 ${fixed(best.metrics.object_f1)}, val loss ${fixed(best.valLoss, 4)}${stop}`;
  return {
    title: `${history.model} on ${history.dataset} (${history.maskKind}, ${history.trainChips} train / ${history.valChips} val chips)`,
    subtitle,
    epochs: epochs.map((e) => e.epoch),
    trainLoss: epochs.map((e) => e.trainLoss),
    valLoss: epochs.map((e) => e.valLoss),
    metrics: [
      { label: 'pixel_iou', values: epochs.map((e) => e.metrics.pixel_iou) },
      { label: 'object_f1', values: epochs.map((e) => e.metrics.object_f1) },
    ],
    learningRate: epochs.map((e) => e.lr),
    ...(history.bestEpoch === null ? {} : { bestEpoch: history.bestEpoch }),
  };
}

/**
 * Writes `history.json` and `history.png` (rewritten after every epoch, so a long run can be watched).
 * @param out - the output folder (exists)
 * @param history - the run's history
 */
export async function writeHistoryFiles(out: string, history: TrainingHistory): Promise<void> {
  await writeAtomically(join(out, TRAIN_FILES.history), `${JSON.stringify(history, null, 2)}\n`);
  await writeAtomically(
    join(out, TRAIN_FILES.picture),
    await svgToPng(trainingCurvesSvg(curvesOfHistory(history))),
  );
}

/**
 * Exports the best epoch's model: `model.onnx` + `model.json` (card with training settings and the reported
 * metrics) and `metrics.json` (exactly the reported keys).
 * @param out - the output folder
 * @param decl - the model
 * @param bestParams - the best epoch's parameter values
 * @param context - card name, run configuration, history (its best epoch supplies the metrics), dataset folder
 * @returns the reported metrics
 * @throws AppError INVALID_PARAMETER_VALUE when the history has no best epoch or a parameter is missing
 */
export async function writeModelFiles(
  out: string,
  decl: ModelDeclaration,
  bestParams: ReadonlyMap<string, Float32Array>,
  context: { name: string; config: RunConfig; history: TrainingHistory; datasetDir: string },
): Promise<ReportedMetrics> {
  const { config, history } = context;
  const best = history.epochs.find((e) => e.epoch === history.bestEpoch);
  if (best === undefined) return invalid(`run history of ${out} has no best epoch to export`);
  const metrics = reportedMetrics(best.metrics);
  const training = {
    ...config,
    dataset: context.datasetDir,
    bestEpoch: best.epoch,
    epochsRun: history.epochs.length,
    stopReason: history.stopReason,
    valLoss: best.valLoss,
  };
  await exportModel(out, decl, bestParams, {
    name: context.name,
    training: JSON.parse(JSON.stringify(training)),
    metrics,
  });
  await writeAtomically(join(out, TRAIN_FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
  return metrics;
}
