/**
 * @module cli/commands/checkpoint — `fair checkpoint inspect`: what a checkpoint file holds; `fair checkpoint export`:
 * any checkpoint (best, last, base) as an inference model folder (issue 3 §4, §6).
 */
import type { Command } from 'commander';
import type * as Ml from '../../ml/index.ts';
import type { Config } from '../../shared/index.ts';

// The ml domain (and onnxruntime behind it) loads only when a checkpoint command runs.
const mlModule = async (): Promise<typeof Ml> => import('../../ml/index.ts');

type InspectFlags = { json?: boolean; tensors?: boolean };
type ExportFlags = { out: string; name?: string; json?: boolean };

/**
 * Adds `fair checkpoint inspect <file>` and `fair checkpoint export <file>`.
 * @param program - the root command
 * @param _config - process configuration (unused)
 */
export function registerCheckpointCommands(program: Command, _config: Config): void {
  const checkpoint = program.command('checkpoint').description('fAIr training checkpoints (safetensors)');
  checkpoint
    .command('inspect <file>')
    .description('validate a checkpoint and print its architecture, progress, optimiser and parameter count')
    .option('--tensors', 'also list every tensor with its shape')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: InspectFlags) => runInspect(file, flags));
  checkpoint
    .command('export <file>')
    .description(
      'export a checkpoint (e.g. checkpoint.last.safetensors of a run) as a model folder: model.onnx + model.json',
    )
    .requiredOption('--out <dir>', 'model folder to write (created; earlier model files replaced)')
    .option('--name <name>', 'model name in model.json (default: the architecture name)')
    .option('--json', 'print the written paths and the card as JSON')
    .action(async (file: string, flags: ExportFlags) => runExport(file, flags));
}

async function runExport(file: string, flags: ExportFlags): Promise<void> {
  const ml = await mlModule();
  // The card says where the weights came from; the run's metrics belong to its best epoch, so none are claimed.
  const { onnxPath, cardPath, card, epoch, step } = await ml.exportCheckpoint(file, flags.out, {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    recordSource: true,
  });
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ onnx: onnxPath, card: cardPath, model: card }, null, 2)}\n`
      : `wrote ${onnxPath} and ${cardPath}: ${card.architecture}, ${card.classes} classes, ` +
          `${card.inputSize} px input, epoch ${epoch}, step ${step}\n`,
  );
}

async function runInspect(file: string, flags: InspectFlags): Promise<void> {
  const ml = await mlModule();
  const loaded = await ml.readCheckpoint(file);
  let parameters = 0;
  for (const t of loaded.tensors.values()) parameters += t.data.length;
  const { architecture, epoch, step, bestMetric, createdAt, extra } = loaded.metadata;
  const report = {
    file,
    formatVersion: loaded.formatVersion,
    architecture,
    epoch,
    step,
    bestMetric: bestMetric ?? null,
    createdAt,
    optimizer:
      loaded.optimizer === undefined
        ? null
        : { kind: loaded.optimizer.kind, steps: loaded.optimizer.stepCount },
    tensorCount: loaded.tensors.size,
    parameters,
    extra,
    ...(flags.tensors
      ? { tensors: Object.fromEntries([...loaded.tensors].map(([n, t]) => [n, t.shape])) }
      : {}),
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `${file}: fAIr checkpoint v${report.formatVersion}`,
    `architecture: ${architecture.name}, ${architecture.classes} classes, ${architecture.inputSize} px input`,
    `progress: epoch ${epoch}, step ${step}${bestMetric === undefined ? '' : `, best metric ${bestMetric}`}`,
    `optimizer: ${report.optimizer === null ? 'none (weights only)' : `${report.optimizer.kind}, ${report.optimizer.steps} steps`}`,
    `parameters: ${parameters.toLocaleString('en-US')} in ${report.tensorCount} tensors`,
    ...Object.entries(report.tensors ?? {}).map(([name, shape]) => `  ${name} [${shape.join(', ')}]`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
