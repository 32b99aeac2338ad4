/** @module workflows/builtin/prediction-workflow — `building-prediction@1`: resolve_model → predict. */
import { z } from 'zod';
import { taskRef } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { predictTask } from './predict-task.ts';
import { resolveModelTask } from './resolve-model-task.ts';
import {
  areaSchema,
  buildingSettingsShape,
  imagerySchema,
  minAreaSchema,
  zoomSchema,
} from './task-schemas.ts';

const inputs = z.object({
  model_name: z.string().min(1).describe('registered model name'),
  model_version: z.number().int().min(1).optional().describe('model version (default the latest)'),
  imagery: imagerySchema,
  aoi: areaSchema.optional().describe('area to predict (default: every chip of a chip folder)'),
  zoom: zoomSchema.optional().describe('tile zoom (default: the chips’ zoom, else 19)'),
  ...buildingSettingsShape,
  // Its registered text (a changed description would be a new workflow version).
  confidence: buildingSettingsShape.confidence.describe(
    'building probability threshold (default the model’s)',
  ),
  area: minAreaSchema,
});

const input = (name: string) => ({ input: name });

/** `building-prediction@1`: a registered model version over imagery and an area → stored polygons and a summary. */
export const predictionWorkflow: WorkflowDefinition<z.infer<typeof inputs>> = {
  name: 'building-prediction',
  version: '1',
  description:
    'Predicts building polygons over an area with a registered model version (the latest by default) and stores them with a summary.',
  inputs,
  nodes: [
    {
      id: 'resolve',
      task: taskRef(resolveModelTask),
      inputs: { name: input('model_name'), version: input('model_version') },
    },
    {
      id: 'predict',
      task: taskRef(predictTask),
      inputs: {
        model_dir: { node: 'resolve', output: 'model_dir' },
        imagery: input('imagery'),
        aoi: input('aoi'),
        zoom: input('zoom'),
        confidence: input('confidence'),
        tolerance: input('tolerance'),
        area: input('area'),
        orthogonalize: input('orthogonalize'),
      },
    },
  ],
  outputs: {
    predictions: { node: 'predict', output: 'predictions' },
    features: { node: 'predict', output: 'features' },
    summary: { node: 'predict', output: 'summary' },
    preview: { node: 'predict', output: 'preview' },
    model_version: { node: 'resolve', output: 'model_version' },
  },
};
