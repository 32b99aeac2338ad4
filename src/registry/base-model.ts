/**
 * @module registry/base-model — base models: what fAIr finetunes from. The built-in ones (`unet-s`, `unet-m`) come
 * from the model declarations of `ml/` and the files shipped under `models/`; imported ones from STAC-MLM items.
 */
import { join } from 'node:path';
import {
  MODEL_CARD_FILE,
  MODEL_NAMES,
  MODEL_ONNX_FILE,
  MODEL_WIDTHS,
  SHIPPED_MODELS_DIR,
  declareModel,
  readModelCardFile,
} from '../ml/index.ts';
import type { MlmFacts, ModelCard, ModelName } from '../ml/index.ts';
import { isAppError, pathExists } from '../shared/index.ts';

/** Where a base model comes from. */
export type BaseModelSource = 'builtin' | 'imported';

/** The input a base model takes. */
export type BaseModelInput = {
  /** Band names in order (`red`, `green`, `blue`). */
  bands: string[];
  /** Fixed chip width and height in pixels, or null when any size (a multiple of `chipMultiple`) works. */
  chipSize: number | null;
  /** Chip sizes must be a multiple of this (1 when unconstrained). */
  chipMultiple: number;
};

/** A base model, built in or imported. */
export type BaseModel = {
  /** Id (`unet-s`, or an imported item's id). */
  id: string;
  source: BaseModelSource;
  title: string;
  description: string;
  /** `mlm:architecture`. */
  architecture: string;
  /** `mlm:tasks`, e.g. `semantic-segmentation`. */
  tasks: string[];
  /** STAC keywords: subject (`building`), tasks and geometry type (`polygon`). */
  keywords: string[];
  /** `mlm:framework` and `mlm:framework_version`. */
  framework: string;
  frameworkVersion: string;
  /** `mlm:total_parameters`, or null when the item does not say. */
  totalParameters: number | null;
  /** Whether the shipped weights were pretrained elsewhere (`mlm:pretrained`). */
  pretrained: boolean;
  input: BaseModelInput;
  /** Output classes (`classification:classes` of the first output). */
  classes: { value: number; name: string }[];
  /** SPDX licence, or null. */
  license: string | null;
  /** The item's `version` (built-ins: `1`). */
  version: string;
  /** Files by name: built-ins `checkpoint`, `model.onnx`, `model.json` (absolute paths, only those shipped); imported: asset key → href. */
  artifacts: Record<string, string>;
  /** MLM facts of a built-in declaration (null for imported models). */
  facts: MlmFacts | null;
  /** The model card of the shipped export, when there is one. */
  card: ModelCard | null;
  /** The imported STAC item as stored (null for built-ins). */
  item: Record<string, unknown> | null;
};

/** Keywords of the built-in models (fAIr-models' vocabulary: subject, task, geometry type). */
export const BUILTIN_KEYWORDS: readonly string[] = ['building', 'semantic-segmentation', 'polygon'];

/** Names of the files a shipped base model folder may hold. */
const shippedFiles = { checkpoint: 'checkpoint.safetensors', onnx: MODEL_ONNX_FILE, card: MODEL_CARD_FILE };

/**
 * The built-in base models: one per model declaration of `ml/`, with the files shipped in `models/base-<name>/`
 * (checkpoint, ONNX export, model card) where present. The class count follows the shipped card (else 1, binary).
 * @param modelsDir - folder of the shipped models, default `SHIPPED_MODELS_DIR` (`<repo>/models`)
 * @returns `unet-s`, `unet-m`
 * @throws AppError INVALID_PARAMETER_VALUE when a shipped `model.json` is not a valid card
 */
export async function builtinBaseModels(modelsDir: string = SHIPPED_MODELS_DIR): Promise<BaseModel[]> {
  return Promise.all(MODEL_NAMES.map((name) => builtinBaseModel(name, modelsDir)));
}

async function builtinBaseModel(name: ModelName, modelsDir: string): Promise<BaseModel> {
  const dir = join(modelsDir, `base-${name}`);
  const artifacts: Record<string, string> = {};
  for (const [key, file] of Object.entries({
    checkpoint: shippedFiles.checkpoint,
    'model.onnx': shippedFiles.onnx,
    'model.json': shippedFiles.card,
  })) {
    if (await pathExists(join(dir, file))) artifacts[key] = join(dir, file);
  }
  const card = artifacts['model.json'] === undefined ? null : await readCard(artifacts['model.json']);
  const classes = card?.classes ?? 1;
  const declaration = declareModel(name, {
    classes,
    ...(card === null ? {} : { inputSize: card.inputSize, classNames: card.classNames }),
  });
  const facts = declaration.mlmFacts();
  const trained =
    card === null
      ? 'No weights are shipped: training starts from seeded random weights.'
      : `Ships weights trained on fAIr's synthetic imagery (${classes} classes: ${card.classNames.join(', ')}).`;
  return {
    id: name,
    source: 'builtin',
    title: `fAIr ${name} U-Net`,
    description: `${facts.architecture}; trained and run with ONNX Runtime. ${trained}`,
    architecture: facts.architecture,
    tasks: [...facts.tasks],
    keywords: [...BUILTIN_KEYWORDS],
    framework: facts.framework,
    frameworkVersion: facts.frameworkVersion,
    totalParameters: facts.totalParameters,
    pretrained: facts.pretrained,
    input: {
      bands: [...facts.input.bands],
      chipSize: null,
      chipMultiple: 2 ** (MODEL_WIDTHS[name].length - 1),
    },
    classes: facts.output['classification:classes'].map((c) => ({ value: c.value, name: c.name })),
    license: 'AGPL-3.0-only',
    version: '1',
    artifacts,
    facts,
    card,
    item: null,
  };
}

async function readCard(path: string): Promise<ModelCard | null> {
  try {
    return await readModelCardFile(path);
  } catch (error) {
    if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return null;
    throw error;
  }
}
