/**
 * @module registry/compatibility — can a base model be finetuned on a dataset? Tasks and keywords as fAIr-models
 * compares them (MLM tasks mapped to Label extension tasks; a keyword in common; geometry types agree), plus what
 * fAIr's trainer needs: the model's input bands present in the dataset, and a chip size the model takes.
 */
import { invalid } from '../shared/index.ts';
import type { BaseModel } from './base-model.ts';
import { BASE_MODEL_TASKS, GEOMETRY_KEYWORDS } from './base-model-import.ts';

/** What the check needs to know about a dataset. */
export type DatasetFacts = {
  /** Dataset id, for messages. */
  id?: string;
  /** STAC keywords (`building`, `semantic-segmentation`, `polygon`, …). */
  keywords: readonly string[];
  /** Label extension tasks (`segmentation`, `detection`, `classification`) or MLM task names. */
  tasks: readonly string[];
  /** Band names of the chips, default `red`, `green`, `blue` (fAIr datasets are RGB). */
  bands?: readonly string[];
  /** Chip width and height in pixels, when known. */
  chipSize?: number;
};

/** The outcome: compatible, or every reason why not. */
export type Compatibility = { compatible: boolean; reasons: string[] };

/** MLM task → Label extension task (fAIr-models' `task_label_mapping`). */
const labelTaskOf: Readonly<Record<string, string>> = {
  'semantic-segmentation': 'segmentation',
  'instance-segmentation': 'segmentation',
  'object-detection': 'detection',
  classification: 'classification',
};

/** Keywords that describe the data rather than its subject. */
const genericKeywords = new Set(['fair', 'mask-binary', 'mask-multi']);

/**
 * Checks a base model against a dataset.
 * - Tasks: a model task (or its Label extension task) must be one of the dataset's tasks.
 * - Keywords: a subject keyword (not a task, geometry type or `fair`/`mask-*`) in common, e.g. `building`. Unlike
 *   fAIr-models, a task or geometry keyword alone is not enough: a tree-crown model also says `polygon`.
 * - Geometry: when both name geometry types, one in common.
 * - Bands: every model input band is among the dataset's bands.
 * - Chip size: a fixed model input size must equal the dataset's chips; otherwise the chips must be a multiple of
 *   what the model needs (U-Nets: 2^(levels−1)).
 * @param model - the base model
 * @param dataset - the dataset's facts (see `datasetFactsOf`)
 * @returns `{compatible, reasons}`; reasons are one line each
 * @example
 * const { compatible, reasons } = checkCompatibility(unetS, datasetFactsOf(item, { chipSize: 256 }));
 */
export function checkCompatibility(model: BaseModel, dataset: DatasetFacts): Compatibility {
  const reasons = [
    ...taskReasons(model, dataset),
    ...keywordReasons(model, dataset),
    ...bandReasons(model, dataset),
    ...chipReasons(model, dataset),
  ];
  return { compatible: reasons.length === 0, reasons };
}

/**
 * Refuses an incompatible pair (the check a training runs before it is accepted).
 * @param model - the base model
 * @param dataset - the dataset's facts
 * @throws AppError INVALID_PARAMETER_VALUE naming the model, the dataset and the first reason; `details.reasons`
 *   lists them all
 */
export function assertCompatible(model: BaseModel, dataset: DatasetFacts): void {
  const { reasons } = checkCompatibility(model, dataset);
  if (reasons.length === 0) return;
  const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more)` : '';
  invalid(`base model ${model.id} does not fit dataset ${dataset.id ?? '(unnamed)'}: ${reasons[0]}${more}`, {
    reasons,
  });
}

/**
 * The facts of a dataset STAC item (as `datasetStacItem` of `datasets/` writes it, or fAIr-models' dataset items):
 * `keywords` and `label:tasks` from its properties.
 * @param item - the item (`id` and `properties`)
 * @param extra - what the item does not say: chip size, bands
 * @returns the facts
 */
export function datasetFactsOf(
  item: { id?: string; properties: Readonly<Record<string, unknown>> },
  extra: { chipSize?: number; bands?: readonly string[] } = {},
): DatasetFacts {
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return {
    ...(item.id === undefined ? {} : { id: item.id }),
    keywords: strings(item.properties['keywords']),
    tasks: strings(item.properties['label:tasks']),
    ...extra,
  };
}

function taskReasons(model: BaseModel, dataset: DatasetFacts): string[] {
  const datasetTasks = new Set(dataset.tasks);
  const fits = model.tasks.some((t) => datasetTasks.has(t) || datasetTasks.has(labelTaskOf[t] ?? t));
  if (fits) return [];
  const mapped = model.tasks.map((t) => labelTaskOf[t] ?? t);
  return [
    `no task in common: the model does ${list(model.tasks)} (${list(mapped)}), the dataset is labelled for ${list(dataset.tasks)}`,
  ];
}

function keywordReasons(model: BaseModel, dataset: DatasetFacts): string[] {
  const reasons: string[] = [];
  const subjectsOf = (keywords: readonly string[]) =>
    keywords.filter(
      (k) =>
        !genericKeywords.has(k) &&
        !GEOMETRY_KEYWORDS.includes(k) &&
        !BASE_MODEL_TASKS.includes(k) &&
        !Object.values(labelTaskOf).includes(k),
    );
  const modelSubjects = subjectsOf(model.keywords);
  const datasetSubjects = new Set(subjectsOf(dataset.keywords));
  if (!modelSubjects.some((k) => datasetSubjects.has(k)))
    reasons.push(
      `no subject keyword in common: the model is about ${list(modelSubjects)}, the dataset about ${list([...datasetSubjects])}`,
    );
  const modelGeometry = model.keywords.filter((k) => GEOMETRY_KEYWORDS.includes(k));
  const datasetGeometry = dataset.keywords.filter((k) => GEOMETRY_KEYWORDS.includes(k));
  if (
    modelGeometry.length > 0 &&
    datasetGeometry.length > 0 &&
    !modelGeometry.some((g) => datasetGeometry.includes(g))
  )
    reasons.push(
      `geometry types differ: the model predicts ${list(modelGeometry)}, the dataset has ${list(datasetGeometry)}`,
    );
  return reasons;
}

function bandReasons(model: BaseModel, dataset: DatasetFacts): string[] {
  const available = new Set((dataset.bands ?? ['red', 'green', 'blue']).map((b) => b.toLowerCase()));
  const missing = model.input.bands.filter((b) => !available.has(b.toLowerCase()));
  if (missing.length === 0) return [];
  return [`the model needs bands ${list(model.input.bands)}; the dataset lacks ${list(missing)}`];
}

function chipReasons(model: BaseModel, dataset: DatasetFacts): string[] {
  const size = dataset.chipSize;
  if (size === undefined) return [];
  const { chipSize, chipMultiple } = model.input;
  if (chipSize !== null && chipSize !== size)
    return [`the model takes ${chipSize}×${chipSize} px chips, the dataset has ${size} px chips`];
  if (chipSize === null && size % chipMultiple !== 0)
    return [
      `the model takes chips whose size is a multiple of ${chipMultiple} px, the dataset has ${size} px chips`,
    ];
  return [];
}

function list(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.join(', ');
}
