/**
 * @module tracking/mlflow-requests — zod schemas of the MLflow REST requests, field for field as `service.proto`
 * names them, and the parsing that reports MLflow's messages (missing required parameter, invalid value).
 */
import { z } from 'zod';
import { invalid } from '../shared/index.ts';
import { runStatuses, viewTypes } from './entities.ts';
import type { RunStatus, ViewType } from './entities.ts';

/** Query parameters of a GET request (a repeated parameter is an array). */
export type QueryParams = Readonly<Record<string, string | readonly string[] | undefined>>;

const text = z.string();
/** int64/int32: a JSON integer, or its decimal string (protobuf JSON writes int64 as strings; GET sends strings). */
const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** double: a JSON number, a numeric string, or "NaN", "Infinity", "-Infinity". */
const double = z.union([
  z.number(),
  z
    .string()
    .regex(/^(?:NaN|[-+]?Infinity|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/)
    .transform(Number),
]);
/** An enum by name, or by its number in the protos (1-based). */
function protoEnum<T extends string>(values: readonly [T, ...T[]]) {
  return z.union([
    z.enum(values),
    z
      .number()
      .int()
      .min(1)
      .max(values.length)
      .transform((n) => values[n - 1] as T),
  ]);
}
const status = protoEnum(runStatuses as readonly [RunStatus, ...RunStatus[]]);
const viewType = protoEnum(viewTypes as readonly [ViewType, ...ViewType[]]);
const keyValue = z.object({ key: text, value: text });
const metric = z.object({ key: text, value: double, timestamp: int64, step: int64.optional() });
const repeated = <T extends z.ZodType>(item: T) => z.array(item).optional();

/** Request schemas, by endpoint, with the fields each requires. */
export const requests = {
  createExperiment: {
    schema: z.object({ name: text, artifact_location: text.optional(), tags: repeated(keyValue) }),
    required: ['name'],
  },
  getExperiment: { schema: z.object({ experiment_id: text }), required: ['experiment_id'] },
  getExperimentByName: { schema: z.object({ experiment_name: text }), required: ['experiment_name'] },
  searchExperiments: {
    schema: z.object({
      max_results: int64.optional(),
      page_token: text.optional(),
      filter: text.optional(),
      order_by: repeated(text),
      view_type: viewType.optional(),
    }),
    required: [],
  },
  updateExperiment: {
    schema: z.object({ experiment_id: text, new_name: text.optional() }),
    required: ['experiment_id'],
  },
  experimentId: { schema: z.object({ experiment_id: text }), required: ['experiment_id'] },
  setExperimentTag: {
    schema: z.object({ experiment_id: text, key: text, value: text }),
    required: ['experiment_id', 'key', 'value'],
  },
  deleteExperimentTag: {
    schema: z.object({ experiment_id: text, key: text }),
    required: ['experiment_id', 'key'],
  },
  createRun: {
    schema: z.object({
      experiment_id: text.optional(),
      user_id: text.optional(),
      run_name: text.optional(),
      start_time: int64.optional(),
      tags: repeated(keyValue),
    }),
    required: [],
  },
  runId: { schema: z.object({ run_id: text.optional(), run_uuid: text.optional() }), required: [] },
  updateRun: {
    schema: z.object({
      run_id: text.optional(),
      run_uuid: text.optional(),
      status: status.optional(),
      end_time: int64.optional(),
      run_name: text.optional(),
    }),
    required: [],
  },
  logMetric: {
    schema: z.object({
      run_id: text.optional(),
      run_uuid: text.optional(),
      key: text,
      value: double,
      timestamp: int64,
      step: int64.optional(),
    }),
    required: ['key', 'value', 'timestamp'],
  },
  logParam: {
    schema: z.object({ run_id: text.optional(), run_uuid: text.optional(), key: text, value: text }),
    required: ['key', 'value'],
  },
  setTag: {
    schema: z.object({ run_id: text.optional(), run_uuid: text.optional(), key: text, value: text }),
    required: ['key', 'value'],
  },
  deleteTag: { schema: z.object({ run_id: text, key: text }), required: ['run_id', 'key'] },
  logBatch: {
    schema: z.object({
      run_id: text.optional(),
      metrics: repeated(metric),
      params: repeated(keyValue),
      tags: repeated(keyValue),
    }),
    required: ['run_id'],
  },
  getMetricHistory: {
    schema: z.object({
      run_id: text.optional(),
      run_uuid: text.optional(),
      metric_key: text,
      page_token: text.optional(),
      max_results: int64.optional(),
    }),
    required: ['metric_key'],
  },
  searchRuns: {
    schema: z.object({
      experiment_ids: repeated(text),
      filter: text.optional(),
      run_view_type: viewType.optional(),
      max_results: int64.optional(),
      order_by: repeated(text),
      page_token: text.optional(),
    }),
    required: [],
  },
  listArtifacts: {
    schema: z.object({
      run_id: text.optional(),
      run_uuid: text.optional(),
      path: text.optional(),
      page_token: text.optional(),
    }),
    required: [],
  },
  listProxiedArtifacts: { schema: z.object({ path: text.optional() }), required: [] },
} as const;

/** One request's schema and its required fields. */
export type RequestSpec<T extends z.ZodType> = { schema: T; required: readonly string[] };

/**
 * Validates a request against its schema. Required fields that are absent or null are missing (ids and names also
 * when `''`), as in MLflow; unknown fields are dropped.
 * @param spec - the request's schema and required fields
 * @param input - the JSON body or the query object
 * @returns the parsed request
 * @throws AppError INVALID_PARAMETER_VALUE: "Missing value for required parameter 'run_id'. …" or "Invalid value …
 *   for parameter 'metrics.0.value' supplied. …"
 */
export function parseRequest<T extends z.ZodType>(spec: RequestSpec<T>, input: unknown): z.infer<T> {
  const fields = input ?? {};
  if (typeof fields !== 'object' || Array.isArray(fields)) {
    invalid(
      `Malformed request: the body must be a JSON object, got ${Array.isArray(fields) ? 'an array' : typeof fields}`,
    );
  }
  for (const name of spec.required) requireValue(name, (fields as Record<string, unknown>)[name]);
  const parsed = spec.schema.safeParse(fields, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.');
  const value = issue?.input;
  if (value === undefined || value === null) requireValue(path, value);
  return invalid(
    `Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied. Hint: Value was of type ` +
      `'${Array.isArray(value) ? 'list' : typeof value}'. See the API docs for more information about request parameters.`,
  );
}

/**
 * The run id of a request that accepts `run_id` or the deprecated `run_uuid`.
 * @param request - the parsed request
 * @returns the id
 * @throws AppError INVALID_PARAMETER_VALUE "Missing value for required parameter 'run_id'" when both are absent
 */
export function runIdOf(request: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = request.run_id || request.run_uuid;
  requireValue('run_id', id);
  return id as string;
}

/**
 * Query parameters as a request object: repeated fields become arrays, other fields keep their first value.
 * @param query - the parsed query string
 * @param repeatedFields - the fields the protos declare `repeated`
 * @returns the request object
 */
export function queryToRequest(
  query: QueryParams,
  repeatedFields: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    out[name] = repeatedFields.includes(name) ? values : values[0];
  }
  return out;
}

/** Ids and names where an empty string means "not given" (values such as a tag's may legitimately be empty). */
const emptyIsMissing = new Set(['run_id', 'experiment_id', 'experiment_name', 'metric_key']);

function requireValue(name: string, value: unknown): void {
  if (value === undefined || value === null || (value === '' && emptyIsMissing.has(name))) {
    invalid(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
  }
}
