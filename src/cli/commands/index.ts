/** @module cli/commands — one module per command group; each exports a `register*` function. */
import type { Command } from 'commander';
import type { Config } from '../../shared/index.ts';
import { registerCheckpointCommands } from './checkpoint.ts';
import { registerDatasetCommands } from './dataset.ts';
import { registerDemoCommands } from './demo.ts';
import { registerLabelsCommands } from './labels.ts';
import { registerModelCommands } from './model.ts';
import { registerPredictCommands } from './predict.ts';
import { registerPredictChipsCommands } from './predict-chips.ts';
import { registerServeCommands } from './serve.ts';
import { registerTilesCommands } from './tiles.ts';
import { registerTrainCommands } from './train.ts';
import { registerWorkerCommands } from './worker.ts';
import { registerWorkflowCommands } from './workflow.ts';

/** Adds every command group to the program. */
export function registerCommands(program: Command, config: Config): void {
  registerCheckpointCommands(program, config);
  registerDatasetCommands(program, config);
  registerDemoCommands(program, config);
  registerLabelsCommands(program, config);
  registerModelCommands(program, config);
  registerPredictCommands(program, config);
  registerPredictChipsCommands(program, config);
  registerServeCommands(program, config);
  registerTilesCommands(program, config);
  registerTrainCommands(program, config);
  registerWorkerCommands(program, config);
  registerWorkflowCommands(program, config);
}
