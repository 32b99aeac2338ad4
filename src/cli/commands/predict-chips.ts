/**
 * @module cli/commands/predict-chips — `fair predict-chips`: runs a model over a folder of chips and writes probability
 * and mask PNGs per chip plus `predictions.json` (issue 3, §6).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type * as MlModule from '../../ml/index.ts';
import type { InferenceBackend, PredictionSummary } from '../../ml/index.ts';
import { createProgressBar, type Config } from '../../shared/index.ts';
import { TTA_OPTION, integerIn, numberIn } from '../flags.ts';

// ml loads onnxruntime and sharp: only when the command runs, so other commands start fast.
const ml = async (): Promise<typeof MlModule> => import('../../ml/index.ts');

type PredictFlags = {
  model: string;
  tta: number;
  chips: string;
  out: string;
  batchSize: number;
  threshold?: number;
  backend: InferenceBackend;
  threads?: number;
  json?: boolean;
};

/**
 * Adds `fair predict-chips`.
 * @param program - the root command
 * @param _config - process configuration (unused: the command reads only local files)
 */
export function registerPredictChipsCommands(program: Command, _config: Config): void {
  program
    .command('predict-chips')
    .description('predict building probability and mask PNGs for every chip of a folder')
    .requiredOption('--model <path>', 'model.onnx, a model folder (model.onnx + model.json) or a model.json')
    .requiredOption('--chips <dir>', 'folder of chips (OAM-{x}-{y}-{z}.png|jpg|tif) or a fAIr dataset folder')
    .requiredOption('--out <dir>', 'output folder for <chip>.prob.png, <chip>.mask.png and predictions.json')
    .option('--batch-size <n>', 'model windows per run', integerIn('batch size', 1, 1024), 8)
    .option(
      '--threshold <p>',
      'binary mask threshold 0..1 (default: the model card, usually 0.5)',
      numberIn('threshold', 0, 1),
    )
    .option(
      '--backend <name>',
      'onnxruntime backend: node (native) or web (WebAssembly, as in the browser)',
      parseBackend,
      'node',
    )
    .option('--threads <n>', 'runtime threads (default: the runtime decides)', integerIn('threads', 1, 256))
    .option(...TTA_OPTION)
    .option('--json', 'print predictions.json instead of a short summary')
    .action(async (flags: PredictFlags) => runPredict(flags));
}

async function runPredict(flags: PredictFlags): Promise<void> {
  const { predictChips } = await ml();
  const summary = await predictChips({
    model: flags.model,
    chipsDir: flags.chips,
    outDir: flags.out,
    batchSize: flags.batchSize,
    tta: flags.tta,
    backend: flags.backend,
    ...(flags.threshold === undefined ? {} : { threshold: flags.threshold }),
    ...(flags.threads === undefined ? {} : { threads: flags.threads }),
    progress: createProgressBar(process.stderr),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary, flags.out));
}

function describe(s: PredictionSummary, out: string): string {
  const windows = s.chips.reduce((n, c) => n + c.windows, 0);
  const foreground = s.chips.reduce((n, c) => n + c.foreground, 0) / Math.max(1, s.chips.length);
  const lines = [
    `predicted ${s.chips.length} chips (${windows} windows of ${s.model.inputSize} px) in ${s.seconds.toFixed(1)} s ` +
      `(${((s.seconds * 1000) / Math.max(1, s.chips.length)).toFixed(0)} ms/chip) on onnxruntime-${s.backend}`,
    `  model ${s.model.name} (${s.model.architecture}, ${s.model.classes} class${s.model.classes === 1 ? '' : 'es'}), ${s.model.path}`,
    `  masks: ${s.maskEncoding}; mean foreground ${(foreground * 100).toFixed(1)}%`,
    ...s.skipped.map((k) => `  skipped ${k.id}: ${k.reason}`),
    `  outputs in ${out} (predictions.json lists every chip)`,
    '',
  ];
  return lines.join('\n');
}

function parseBackend(value: string): InferenceBackend {
  if (value !== 'node' && value !== 'web')
    throw new InvalidArgumentError(`backend ${JSON.stringify(value)} is not node or web`);
  return value;
}
