/**
 * @module tracking/validation — MLflow's checks of names, values and batch sizes, with its limits and messages, so
 * clients see the errors they expect from an MLflow server.
 */
import { invalid } from '../shared/index.ts';
import type { ExperimentTag, Metric, Param, RunTag } from './entities.ts';

/** MLflow's limits. */
export const limits = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
  experimentTagValueLength: 5000,
  experimentNameLength: 500,
  searchDefault: 1000,
  searchMax: 50_000,
} as const;

/** Names may hold letters, digits, `_`, `-`, `.`, space and `/` (MLflow's `[/\w.\- ]`, Unicode-aware like Python). */
const validName = /^[/\p{L}\p{N}\p{M}_.\- ]*$/u;

const badCharacters =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';

/**
 * Checks a metric, param or tag name.
 * @param kind - `metric`, `parameter` or `tag` (named in the message)
 * @param name - the name
 * @throws AppError INVALID_PARAMETER_VALUE for bad characters, a name that is not its own normalised path, or one
 *   longer than 250 characters
 */
export function validateName(kind: 'metric' | 'parameter' | 'tag', name: string): void {
  if (!validName.test(name)) invalid(`Invalid ${kind} name: '${name}'. ${badCharacters}`);
  const normal = normalizePath(name);
  if (normal !== name || normal === '.' || normal.startsWith('..') || normal.startsWith('/')) {
    invalid(
      `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to ` +
        `other names when treated as such. This name would resolve to '${normal}'`,
    );
  }
  const label = { metric: 'Metric name', parameter: 'Param key', tag: 'Tag key' }[kind];
  validateLength(label, limits.keyLength, name);
}

/**
 * Checks a string against a length limit.
 * @param label - what it is (`Param value`)
 * @param limit - the most characters allowed
 * @param value - the string
 * @throws AppError INVALID_PARAMETER_VALUE quoting (the start of) the value, its length and the limit
 */
export function validateLength(label: string, limit: number, value: string): void {
  if (value.length > limit) {
    invalid(
      `${label} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
  }
}

/**
 * Checks a metric: its name, a timestamp that is a nonnegative integer and an integer step. Any double is a valid
 * value, NaN and ±Infinity included.
 * @param metric - the metric
 * @throws AppError INVALID_PARAMETER_VALUE naming the metric and the bad field
 */
export function validateMetric(metric: Metric): void {
  validateName('metric', metric.key);
  if (typeof metric.value !== 'number') {
    invalid(
      `Got invalid value ${String(metric.value)} for metric '${metric.key}' (timestamp=${metric.timestamp}). ` +
        'Please specify value as a valid double (64-bit floating point)',
    );
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    invalid(
      `Got invalid timestamp ${metric.timestamp} for metric '${metric.key}' (value=${metric.value}). ` +
        'Timestamp must be a nonnegative long (64-bit integer) ',
    );
  }
  if (!Number.isSafeInteger(metric.step)) {
    invalid(
      `Got invalid step ${metric.step} for metric '${metric.key}' (value=${metric.value}). ` +
        'Step must be a valid long (64-bit integer).',
    );
  }
}

/**
 * Checks a param's name and value length.
 * @param param - the param
 * @throws AppError INVALID_PARAMETER_VALUE
 */
export function validateParam(param: Param): void {
  validateName('parameter', param.key);
  validateLength('Param value', limits.paramValueLength, param.value);
}

/**
 * Checks a run tag's name and value length.
 * @param tag - the tag
 * @throws AppError INVALID_PARAMETER_VALUE
 */
export function validateRunTag(tag: RunTag): void {
  validateName('tag', tag.key);
  validateLength('Tag value', limits.tagValueLength, tag.value);
}

/**
 * Checks an experiment tag's name and value length.
 * @param tag - the tag
 * @throws AppError INVALID_PARAMETER_VALUE
 */
export function validateExperimentTag(tag: ExperimentTag): void {
  validateName('tag', tag.key);
  validateLength('Tag value', limits.experimentTagValueLength, tag.value);
}

/**
 * Checks an experiment name: not empty, at most 500 characters.
 * @param name - the name
 * @throws AppError INVALID_PARAMETER_VALUE
 */
export function validateExperimentName(name: string): void {
  if (name === '') invalid(`Invalid experiment name: '${name}'`);
  if (name.length > limits.experimentNameLength) {
    invalid(`Experiment name exceeds the maximum length of ${limits.experimentNameLength} characters`);
  }
}

/**
 * Checks the sizes of a log-batch request and every entry in it, and that no param key appears twice.
 * @param batch - the metrics, params and tags
 * @throws AppError INVALID_PARAMETER_VALUE with MLflow's message for the first limit exceeded or entry refused
 */
export function validateBatch(batch: { metrics: Metric[]; params: Param[]; tags: RunTag[] }): void {
  const { metrics, params, tags } = batch;
  batchLimit('metrics', limits.metricsPerBatch, metrics.length);
  batchLimit('params', limits.paramsPerBatch, params.length);
  batchLimit('tags', limits.tagsPerBatch, tags.length);
  batchLimit(
    'metrics, params, and tags',
    limits.entitiesPerBatch,
    metrics.length + params.length + tags.length,
  );
  metrics.forEach(validateMetric);
  params.forEach(validateParam);
  tags.forEach(validateRunTag);
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const { key } of params) {
    if (seen.has(key)) dupes.push(key);
    seen.add(key);
  }
  if (dupes.length > 0) {
    invalid(
      `Duplicate parameter keys have been submitted: [${dupes.map((k) => `'${k}'`).join(', ')}]. Please ensure ` +
        'the request contains only one param value per param key.',
    );
  }
}

function batchLimit(entity: string, limit: number, length: number): void {
  if (length > limit) {
    invalid(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${length} ${entity}. ` +
        `Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/** Python's `posixpath.normpath`: the name MLflow compares with to refuse names that are not their own path. */
function normalizePath(path: string): string {
  if (path === '') return '.';
  const leading = path.startsWith('//') && !path.startsWith('///') ? '//' : path.startsWith('/') ? '/' : '';
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (leading === '' && out.length === 0) || out.at(-1) === '..') out.push(part);
    else if (out.length > 0) out.pop();
  }
  return leading + out.join('/') || '.';
}
