/**
 * @module registry/base-model-import — checks a base-model STAC item before import (STAC core and extension schemas
 * offline, plus the MLM fields fAIr needs, after fAIr-models' `base_model_requirements`) and reads it as a
 * `BaseModel`.
 */
import { resolve } from 'node:path';
import { invalid } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import type { BaseModel } from './base-model.ts';

/** The offline STAC schema folder of the workspace (`../shared/schemas/stac` from the repository root). */
export const DEFAULT_STAC_SCHEMAS_DIR = resolve(import.meta.dirname, '../../../shared/schemas/stac');

/** The MLM schema fAIr validates against; items declaring another MLM v1.5.x are checked with it. */
export const MLM_SCHEMA = 'https://stac-extensions.github.io/mlm/v1.5.2/schema.json';

const mlmUrl = /^https:\/\/stac-extensions\.github\.io\/mlm\/v(\d+)\.(\d+)\.(\d+)\/schema\.json$/;

/** Tasks a base model may declare (fAIr-models' `allowed_tasks`). */
export const BASE_MODEL_TASKS: readonly string[] = [
  'semantic-segmentation',
  'instance-segmentation',
  'object-detection',
  'classification',
];

/** Geometry keywords; a base model names at least one (what its predictions are). */
export const GEOMETRY_KEYWORDS: readonly string[] = ['polygon', 'line', 'point'];

/** Item properties a base model must have (fAIr-models' `required_properties`). */
const requiredProperties = [
  'mlm:name',
  'mlm:architecture',
  'mlm:tasks',
  'mlm:framework',
  'mlm:framework_version',
  'mlm:pretrained',
  'mlm:input',
  'mlm:output',
  'mlm:hyperparameters',
  'keywords',
  'version',
  'license',
];
const nonEmptyLists = ['mlm:tasks', 'mlm:input', 'mlm:output', 'keywords'];

/** Outcome of checking a base-model item: errors refuse the import; warnings name what could not be checked. */
export type BaseModelItemCheck = { errors: string[]; warnings: string[] };

type Json = Record<string, unknown>;

/**
 * Checks a base-model STAC item. Schemas: the STAC core schema of its version and every extension it declares
 * that the offline set holds; MLM v1.5.x is checked with the v1.5.2 schema (patch releases share their fields);
 * extensions outside the set (e.g. fAIr-models' own `base-model` schema) are warnings. fAIr's rules: the MLM
 * extension is declared; the required properties are present and the listed ones non-empty; tasks are ones fAIr
 * knows; keywords name a geometry type; every output lists its `classification:classes`; an asset with role
 * `mlm:model` gives its `mlm:artifact_type`.
 * @param item - the parsed JSON
 * @param validator - from `createStacValidator(DEFAULT_STAC_SCHEMAS_DIR)`
 * @returns every error and warning found (never throws for a bad item)
 */
export function checkBaseModelItem(item: unknown, validator: StacValidator): BaseModelItemCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObject(item)) return { errors: ['the item is not a JSON object'], warnings };
  if (item['type'] !== 'Feature') errors.push(`type must be "Feature", got ${JSON.stringify(item['type'])}`);
  if (typeof item['id'] !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(item['id']))
    errors.push(`id must be 1–128 letters, digits, '.', '_' or '-', got ${JSON.stringify(item['id'])}`);
  const extensions = Array.isArray(item['stac_extensions']) ? item['stac_extensions'] : [];
  const kept: string[] = [];
  let mlm = false;
  for (const url of extensions) {
    if (typeof url !== 'string') continue;
    const version = mlmUrl.exec(url);
    if (version !== null) {
      mlm = true;
      if (version[1] === '1' && version[2] === '5') kept.push(MLM_SCHEMA);
      else errors.push(`MLM extension ${url} is not v1.5.x, the version fAIr reads`);
    } else if (validator.schemaUrls.includes(url.replace(/#$/, ''))) kept.push(url);
    else warnings.push(`extension ${url} is not in the offline schema set and was not checked`);
  }
  if (!mlm) errors.push('stac_extensions does not declare the MLM extension (v1.5.x)');
  if (typeof item['stac_version'] === 'string' && errors.length === 0) {
    const result = validator.validate({ ...item, stac_extensions: kept });
    errors.push(...result.errors);
  } else if (typeof item['stac_version'] !== 'string') errors.push('stac_version is missing');
  const properties = isObject(item['properties']) ? item['properties'] : {};
  errors.push(...propertyErrors(properties), ...assetErrors(item['assets']));
  return { errors, warnings };
}

function propertyErrors(properties: Json): string[] {
  const errors: string[] = [];
  for (const name of requiredProperties)
    if (properties[name] === undefined || properties[name] === null)
      errors.push(`properties.${name} is missing`);
  for (const name of nonEmptyLists) {
    const value = properties[name];
    if (value !== undefined && (!Array.isArray(value) || value.length === 0))
      errors.push(`properties.${name} must be a non-empty list`);
  }
  for (const task of stringsOf(properties['mlm:tasks']))
    if (!BASE_MODEL_TASKS.includes(task))
      errors.push(`properties.mlm:tasks has '${task}'; fAIr knows ${BASE_MODEL_TASKS.join(', ')}`);
  const keywords = stringsOf(properties['keywords']);
  if (keywords.length > 0 && !keywords.some((k) => GEOMETRY_KEYWORDS.includes(k)))
    errors.push(`properties.keywords must name a geometry type (${GEOMETRY_KEYWORDS.join(', ')})`);
  const outputs = Array.isArray(properties['mlm:output']) ? properties['mlm:output'] : [];
  outputs.forEach((output, i) => {
    const classes = isObject(output) ? output['classification:classes'] : undefined;
    if (!Array.isArray(classes) || classes.length === 0)
      errors.push(`properties.mlm:output[${i}] has no classification:classes`);
  });
  return errors;
}

function assetErrors(assets: unknown): string[] {
  if (!isObject(assets)) return ['assets is missing'];
  const models = Object.entries(assets).filter(
    ([, asset]) => isObject(asset) && stringsOf(asset['roles']).includes('mlm:model'),
  );
  if (models.length === 0) return ["no asset has the role 'mlm:model'"];
  return models
    .filter(([, asset]) => typeof (asset as Json)['mlm:artifact_type'] !== 'string')
    .map(([key]) => `assets.${key} (role mlm:model) has no mlm:artifact_type`);
}

/**
 * Checks an item and refuses it with every error when it is not a valid base model.
 * @param item - the parsed JSON
 * @param validator - the offline STAC validator
 * @returns the warnings
 * @throws AppError INVALID_PARAMETER_VALUE naming the item and its first error; `details` holds `{errors, warnings}`
 */
export function assertBaseModelItem(item: unknown, validator: StacValidator): string[] {
  const { errors, warnings } = checkBaseModelItem(item, validator);
  if (errors.length > 0) {
    const id = isObject(item) && typeof item['id'] === 'string' ? item['id'] : '(no id)';
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    invalid(`base model item ${id} is not valid: ${errors[0]}${more}`, { errors, warnings });
  }
  return warnings;
}

/**
 * Reads a checked base-model item as a `BaseModel`: tasks, keywords and framework from the MLM fields; bands and
 * chip size from the first input (`height`/`width` of `dim_order`; -1 means any size); classes from the first
 * output; artifacts are the asset hrefs by key.
 * @param item - an item that passed {@link checkBaseModelItem}
 * @returns the base model (`source: 'imported'`)
 */
export function baseModelFromItem(item: Record<string, unknown>): BaseModel {
  const p = isObject(item['properties']) ? item['properties'] : {};
  const input = firstObject(p['mlm:input']);
  const output = firstObject(p['mlm:output']);
  const assets = isObject(item['assets']) ? item['assets'] : {};
  const artifacts: Record<string, string> = {};
  for (const [key, asset] of Object.entries(assets))
    if (isObject(asset) && typeof asset['href'] === 'string') artifacts[key] = asset['href'];
  const classes = Array.isArray(output['classification:classes']) ? output['classification:classes'] : [];
  return {
    id: String(item['id']),
    source: 'imported',
    title: stringOr(p['title'], String(p['mlm:name'])),
    description: stringOr(p['description'], ''),
    architecture: String(p['mlm:architecture']),
    tasks: stringsOf(p['mlm:tasks']),
    keywords: stringsOf(p['keywords']),
    framework: String(p['mlm:framework']),
    frameworkVersion: String(p['mlm:framework_version']),
    totalParameters: typeof p['mlm:total_parameters'] === 'number' ? p['mlm:total_parameters'] : null,
    pretrained: p['mlm:pretrained'] === true,
    input: { bands: bandNames(input['bands']), chipSize: chipSizeOf(input['input']), chipMultiple: 1 },
    classes: classes.filter(isObject).map((c) => ({ value: Number(c['value']), name: String(c['name']) })),
    license: typeof p['license'] === 'string' ? p['license'] : null,
    version: String(p['version']),
    artifacts,
    facts: null,
    card: null,
    item,
  };
}

function chipSizeOf(input: unknown): number | null {
  if (!isObject(input) || !Array.isArray(input['shape']) || !Array.isArray(input['dim_order'])) return null;
  const order = input['dim_order'];
  const shape = input['shape'];
  const height = shape[order.indexOf('height')];
  const width = shape[order.indexOf('width')];
  if (typeof height !== 'number' || height <= 0 || height !== width) return null;
  return height;
}

function bandNames(bands: unknown): string[] {
  if (!Array.isArray(bands)) return [];
  return bands.map((b) => (typeof b === 'string' ? b : isObject(b) ? String(b['name']) : String(b)));
}

function firstObject(list: unknown): Json {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return isObject(first) ? first : {};
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
