/** @module cli/commands/model — `fair model describe`: the layers and parameter count of a built-in model. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MODEL_NAMES, checkModelName, declareModel } from '../../ml/index.ts';
import type { Config } from '../../shared/index.ts';

function parseClasses(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 255)
    throw new InvalidArgumentError('classes must be an integer from 1 to 255');
  return n;
}

function parseSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('size must be a positive integer');
  return n;
}

/** Adds `fair model ...`. */
export function registerModelCommands(program: Command, _config: Config): void {
  const model = program.command('model').description('built-in model architectures');
  model
    .command('describe')
    .description(`print the layers and parameter count of a model (${MODEL_NAMES.join(', ')})`)
    .argument('<name>', `model name: ${MODEL_NAMES.join(' | ')}`)
    .option('--classes <n>', 'output classes: 1 (binary) or 4 (multi-class masks)', parseClasses, 1)
    .option('--size <px>', 'input size in pixels', parseSize, 256)
    .option('--json', 'print JSON: spec, parameter count, layers, parameters and MLM facts')
    .action((name: string, options: { classes: number; size: number; json?: boolean }) => {
      const decl = declareModel(checkModelName(name), { classes: options.classes, inputSize: options.size });
      if (options.json !== true) {
        console.log(decl.describe());
        return;
      }
      const summary = {
        spec: decl.spec,
        parameterCount: decl.parameterCount(),
        layers: decl.layers(),
        parameters: decl.parameters(),
        mlm: decl.mlmFacts(),
      };
      console.log(JSON.stringify(summary, null, 2));
    });
}
