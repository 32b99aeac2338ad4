/** @module cli/commands/checkpoint — `fair checkpoint inspect`: what a checkpoint file holds (issue 3 §4). */
import type { Command } from 'commander';
import type * as Ml from '../../ml/index.ts';
import type { Config } from '../../shared/index.ts';

// The ml domain (and onnxruntime behind it) loads only when a checkpoint command runs.
const mlModule = async (): Promise<typeof Ml> => import('../../ml/index.ts');

type InspectFlags = { json?: boolean; tensors?: boolean };

/**
 * Adds `fair checkpoint inspect <file>`.
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
