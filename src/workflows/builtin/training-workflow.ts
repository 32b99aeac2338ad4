/**
 * @module workflows/builtin/training-workflow — `building-detection-training@1`: prepare_dataset → train → evaluate →
 * export_onnx → register.
 */
import { z } from 'zod';
import { taskRef } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { evaluateTask } from './evaluate-task.ts';
import { exportOnnxTask } from './export-onnx-task.ts';
import { prepareDatasetTask } from './prepare-dataset-task.ts';
import { registerTask } from './register-task.ts';
import { trainTask } from './train-task.ts';
import {
  areaSchema,
  imagerySchema,
  modelNameSchema,
  seedSchema,
  valRatioSchema,
  zoomSchema,
} from './task-schemas.ts';

const inputs = z.object({
  model_name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash and underscore, at most 128')
    .describe('name to register the model under, e.g. banepa-buildings'),
  imagery: imagerySchema,
  aoi: areaSchema
    .optional()
    .describe('training area (default: every chip of a chip folder, or the labels’ extent)'),
  labels: z
    .string()
    .min(1)
    .describe('building footprints: a blob URI or file path of GeoJSON, or osm (fetched for the area)'),
  zoom: z.union([zoomSchema, z.array(zoomSchema).min(1)]).describe('zoom level(s) of the chips'),
  mask: z.enum(['binary', 'multi']).default('binary').describe('mask kind: binary or multi'),
  chip_size: z.number().int().min(8).max(4096).default(256).describe('chip size in pixels (the model input)'),
  model: modelNameSchema.default('unet-s'),
  base: z
    .string()
    .min(1)
    .default('builtin')
    .describe('starting weights: builtin, none, or a blob URI of a checkpoint'),
  epochs: z.number().int().min(1).max(10_000).default(20).describe('epochs'),
  batch_size: z.number().int().min(1).max(1024).default(8).describe('chips per step'),
  lr: z.number().positive().max(1).default(0.001).describe('peak learning rate'),
  val_ratio: valRatioSchema.default(0.2),
  freeze_encoder: z.boolean().default(false).describe('train only the decoder and head'),
  seed: seedSchema.default(42),
});

const input = (name: string) => ({ input: name });
const from = (node: string, output: string) => ({ node, output });

/** `building-detection-training@1`: imagery + labels → a dataset → a trained, evaluated, exported, registered model. */
export const trainingWorkflow: WorkflowDefinition<z.infer<typeof inputs>> = {
  name: 'building-detection-training',
  version: '1',
  description:
    'Prepares a dataset from imagery and building labels, finetunes a model on it, scores it on the validation split, exports it to ONNX and registers a new model version.',
  inputs,
  nodes: [
    {
      id: 'prepare',
      task: taskRef(prepareDatasetTask),
      inputs: {
        imagery: input('imagery'),
        aoi: input('aoi'),
        labels: input('labels'),
        zoom: input('zoom'),
        mask: input('mask'),
        chip_size: input('chip_size'),
      },
    },
    {
      id: 'train',
      task: taskRef(trainTask),
      inputs: {
        dataset: from('prepare', 'dataset'),
        model: input('model'),
        base: input('base'),
        epochs: input('epochs'),
        batch_size: input('batch_size'),
        lr: input('lr'),
        val_ratio: input('val_ratio'),
        freeze_encoder: input('freeze_encoder'),
        seed: input('seed'),
      },
    },
    {
      id: 'evaluate',
      task: taskRef(evaluateTask),
      inputs: {
        checkpoint: from('train', 'checkpoint'),
        dataset: from('prepare', 'dataset'),
        val_ratio: input('val_ratio'),
        seed: input('seed'),
      },
    },
    {
      id: 'export',
      task: taskRef(exportOnnxTask),
      inputs: {
        checkpoint: from('train', 'checkpoint'),
        metrics: from('evaluate', 'metrics'),
        name: input('model_name'),
        training: from('train', 'training'),
      },
    },
    {
      id: 'register',
      task: taskRef(registerTask),
      inputs: {
        name: input('model_name'),
        model: from('export', 'model'),
        model_card: from('export', 'model_card'),
        model_dir: from('export', 'model_dir'),
        metrics: from('evaluate', 'metrics'),
        checkpoint: from('train', 'checkpoint'),
        metrics_uri: from('evaluate', 'metrics_uri'),
        curves: from('train', 'curves'),
        history: from('train', 'history'),
        dataset: from('prepare', 'dataset'),
        training: from('train', 'training'),
      },
    },
  ],
  outputs: {
    model_name: from('register', 'model_name'),
    model_version: from('register', 'model_version'),
    metrics: from('evaluate', 'metrics'),
    model: from('export', 'model'),
    curves: from('train', 'curves'),
  },
};
