/**
 * @module cli/commands/train — `fair train`, `fair evaluate` and `fair bench train` (issue 3 §8): the CLI contract
 * other tools call. Progress goes to stderr; stdout carries the result (`--json`: exactly the metric object).
 */
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type * as Ml from '../../ml/index.ts';
import { createProgressBar } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import { TTA_OPTION, integerIn } from '../flags.ts';

// The ml domain (onnxruntime, sharp) loads only when one of these commands runs.
const mlModule = async (): Promise<typeof Ml> => import('../../ml/index.ts');

type TrainFlags = {
  dataset: string;
  out: string;
  model?: string;
  base?: string;
  resume?: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  valRatio?: number;
  freezeEncoder?: boolean;
  seed?: number;
  optimizer?: string;
  weightDecay?: number;
  loss?: string;
  patience?: number;
  monitor?: string;
  augment: boolean;
  threads?: number;
  name?: string;
  json?: boolean;
};

type EvaluateFlags = {
  model: string;
  dataset: string;
  valRatio?: number;
  seed?: number;
  batchSize?: number;
  threads?: number;
  tta: number;
  json?: boolean;
};

type BenchFlags = {
  model: string;
  batchSize: number;
  size: number;
  steps: number;
  warmup: number;
  threads?: number;
  classes: number;
  json?: boolean;
};

function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} ${JSON.stringify(value)} is not a positive number`);
    return n;
  };
}

function ratio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1))
    throw new InvalidArgumentError(`ratio ${JSON.stringify(value)} is not a number between 0 and 1`);
  return n;
}

/**
 * Adds `fair train`, `fair evaluate` and `fair bench train`.
 * @param program - the root command
 * @param _config - process configuration (unused: these commands read only their flags)
 */
export function registerTrainCommands(program: Command, _config: Config): void {
  program
    .command('train')
    .description('train a building segmentation model on a dataset folder')
    .requiredOption('--dataset <dir>', 'dataset folder (fair dataset prepare)')
    .requiredOption(
      '--out <dir>',
      'output folder: model.onnx, model.json, checkpoints, metrics.json, history.json/.png',
    )
    .option('--model <name>', 'architecture: unet-s or unet-m (default unet-s)')
    .option(
      '--base <checkpoint|none>',
      'start from this checkpoint; none = from scratch (default models/base-<model>/checkpoint.safetensors when it fits)',
    )
    .option('--resume <checkpoint>', 'continue a run from its checkpoint.last.safetensors')
    .option('--epochs <n>', 'epochs (default 20)', integerIn('epochs', 1, 100000))
    .option('--batch-size <n>', 'chips per step (default 8)', integerIn('batch size', 1, 1024))
    .option('--lr <x>', 'peak learning rate (default 0.001)', positiveNumber('learning rate'))
    .option('--val-ratio <r>', 'share of chips held out by spatial blocks (default 0.2)', ratio)
    .option('--freeze-encoder', 'train only the decoder and head (fine-tuning)')
    .option(
      '--seed <s>',
      'seed of initialisation, split, order and augmentation (default 42)',
      integerIn('seed', 0, 2 ** 32 - 1),
    )
    .option('--optimizer <name>', 'adamw, adam or sgd (default adamw)')
    .option('--weight-decay <x>', 'weight decay (default 0.0001)', (v: string) =>
      v === '0' ? 0 : positiveNumber('weight decay')(v),
    )
    .option(
      '--loss <name>',
      'loss: bce-dice, bce or dice for binary masks; ce or ce-dice (cross-entropy + soft Dice) for multi-class masks (default bce-dice, ce-dice)',
    )
    .option(
      '--patience <n>',
      'early stopping after n epochs without improvement, 0 = off (default 10)',
      integerIn('patience', 0, 100000),
    )
    .option(
      '--monitor <metric>',
      'object_f1, pixel_iou or val_loss (default val_loss for multi-class, pixel_iou for binary)',
    )
    .option('--no-augment', 'no flips, rotations or colour jitter')
    .option('--threads <n>', 'onnxruntime threads (default one per core)', integerIn('threads', 1, 256))
    .option('--name <name>', 'model name in model.json (default <model>-<dataset folder>)')
    .option('--json', 'print only the validation metrics as JSON')
    .action(async (flags: TrainFlags) => runTrain(flags));
  program
    .command('evaluate')
    .description('score a trained model on a dataset: pixel and object precision, recall, IoU/F1')
    .requiredOption('--model <path>', 'model.onnx (with model.json beside it) or a model folder')
    .requiredOption('--dataset <dir>', 'dataset folder')
    .option(
      '--val-ratio <r>',
      'score only the validation split of this ratio (as fair train splits it)',
      ratio,
    )
    .option('--seed <s>', 'seed of that split (default 42)', integerIn('seed', 0, 2 ** 32 - 1))
    .option('--batch-size <n>', 'chips per inference run (default 8)', integerIn('batch size', 1, 1024))
    .option('--threads <n>', 'onnxruntime threads (default one per core)', integerIn('threads', 1, 256))
    .option(...TTA_OPTION)
    .option('--json', 'print only the metrics as JSON')
    .action(async (flags: EvaluateFlags) => runEvaluate(flags));
  const bench =
    program.commands.find((c) => c.name() === 'bench') ??
    program.command('bench').description('measure speed and memory');
  bench
    .command('train')
    .description('time training steps on random data: median ms per step and peak RSS')
    .option('--model <name>', 'architecture', 'unet-s')
    .option('--batch-size <n>', 'chips per step', integerIn('batch size', 1, 1024), 4)
    .option('--size <px>', 'chip size, a multiple of 8', integerIn('size', 8, 4096), 256)
    .option('--steps <n>', 'timed steps', integerIn('steps', 1, 100000), 10)
    .option('--warmup <n>', 'untimed steps first', integerIn('warm-up steps', 0, 1000), 2)
    .option('--threads <n>', 'onnxruntime threads (default one per core)', integerIn('threads', 1, 256))
    .option('--classes <n>', 'output classes (1 = binary)', integerIn('classes', 1, 255), 1)
    .option('--json', 'print the result as JSON')
    .action(async (flags: BenchFlags) => runBench(flags));
}

function trainOptions(ml: typeof Ml, flags: TrainFlags, signal: AbortSignal): Ml.TrainOptions {
  const model = flags.model === undefined ? undefined : ml.checkModelName(flags.model);
  const base = flags.base === 'none' ? undefined : flags.base;
  const useDefault = flags.base === undefined && flags.resume === undefined;
  const stopping = {
    ...(flags.patience === undefined ? {} : { patience: flags.patience }),
    ...(flags.monitor === undefined ? {} : { monitor: flags.monitor as Ml.MonitorMetric }),
  };
  const defined = <K extends string, V>(key: K, value: V | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    datasetDir: flags.dataset,
    out: flags.out,
    signal,
    ...defined('model', model),
    ...defined('base', base),
    ...defined('baseIfCompatible', useDefault ? ml.shippedBaseCheckpoint(model ?? 'unet-s') : undefined),
    ...defined('resume', flags.resume),
    ...defined('epochs', flags.epochs),
    ...defined('batchSize', flags.batchSize),
    ...defined('lr', flags.lr),
    ...defined('valRatio', flags.valRatio),
    ...defined('freezeEncoder', flags.freezeEncoder),
    ...defined('seed', flags.seed),
    ...defined('optimizer', flags.optimizer as Ml.OptimizerName | undefined),
    ...defined('weightDecay', flags.weightDecay),
    ...defined('loss', flags.loss as Ml.LossName | undefined),
    ...defined('augment', flags.augment ? undefined : false),
    ...defined('threads', flags.threads),
    ...defined('name', flags.name),
    ...(Object.keys(stopping).length > 0 ? { earlyStopping: stopping } : {}),
  };
}

/** First Ctrl-C stops after the current step (the last checkpoint is kept); a second one quits at once. */
function abortOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current step (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}

const fixed = (v: number): string => v.toFixed(3);

async function runTrain(flags: TrainFlags): Promise<void> {
  const ml = await mlModule();
  const interrupt = abortOnInterrupt();
  let result: Ml.TrainResult;
  try {
    result = await ml.trainModel(trainOptions(ml, flags, interrupt.signal), {
      progress: createProgressBar(process.stderr),
      onNote: (note) => process.stderr.write(`note: ${note}\n`),
    });
  } finally {
    interrupt.dispose();
  }
  if (result.stopReason === 'aborted') process.exitCode = 130;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result.metrics)}\n`);
    return;
  }
  const { history, metrics } = result;
  const lines = [
    `${history.model} on ${history.dataset}: ${history.epochs.length} epochs (${result.stopReason}), best epoch ${history.bestEpoch ?? 'none'} by ${history.monitor}`,
  ];
  if (metrics !== null)
    lines.push(
      `validation (${history.valChips} chips): pixel IoU ${fixed(metrics.pixel_iou)}, precision ${fixed(metrics.pixel_precision)}, recall ${fixed(metrics.pixel_recall)}`,
      `objects: F1 ${fixed(metrics.object_f1)}, precision ${fixed(metrics.object_precision)}, recall ${fixed(metrics.object_recall)}`,
    );
  else lines.push(`no epoch was completed: resume with --resume ${result.files.lastCheckpoint ?? ''}`);
  lines.push(...Object.values(result.files).map((f) => `wrote ${f}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runEvaluate(flags: EvaluateFlags): Promise<void> {
  const ml = await mlModule();
  const result = await ml.evaluateModel({
    model: flags.model,
    datasetDir: flags.dataset,
    progress: createProgressBar(process.stderr),
    ...(flags.valRatio === undefined ? {} : { valRatio: flags.valRatio }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
    tta: flags.tta,
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result.metrics)}\n`);
    return;
  }
  const { metrics: m, details: d } = result;
  process.stdout.write(
    [
      `${flags.model} (${result.modelKind}) on ${flags.dataset} (${result.datasetKind}, ${result.chips} chips)` +
        (flags.tta > 1 ? `, averaged over ${flags.tta} symmetries` : ''),
      `pixels: IoU ${fixed(m.pixel_iou)}, precision ${fixed(m.pixel_precision)}, recall ${fixed(m.pixel_recall)}`,
      `objects: F1 ${fixed(m.object_f1)}, precision ${fixed(m.object_precision)}, recall ${fixed(m.object_recall)} (${d.object_tp} matched, ${d.object_fp} false, ${d.object_fn} missed)`,
    ].join('\n') + '\n',
  );
}

async function runBench(flags: BenchFlags): Promise<void> {
  const ml = await mlModule();
  const result = await ml.benchTrainStep({
    model: flags.model,
    batchSize: flags.batchSize,
    size: flags.size,
    steps: flags.steps,
    warmup: flags.warmup,
    classes: flags.classes,
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `${result.model} batch ${result.batch_size} × ${result.size} px, ${result.threads ?? 'default'} threads: ` +
      `${result.ms_per_step} ms/step (median of ${result.steps}; ${result.min_ms}–${result.max_ms}), peak RSS ${result.rss_mb} MB\n`,
  );
}
