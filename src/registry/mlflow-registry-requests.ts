/**
 * @module registry/mlflow-registry-requests — zod schemas of the MLflow model registry requests, field for field as
 * `model_registry.proto` names them, and their parsing with MLflow's messages (missing required parameter, invalid
 * value).
 */
import { z } from 'zod';
import { invalid } from '../shared/index.ts';
import type { QueryParams } from '../tracking/index.ts';

const text = z.string();
/** int64: a JSON integer, or its decimal string (protobuf JSON writes int64 as strings; GET sends strings). */
const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** A version number: a decimal string, or a JSON integer some clients send. */
const version = z.union([text, z.number().int().transform(String)]);
/** bool: JSON true/false, or "true"/"false" from a query string. */
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'True', 'False']).transform((v) => v.toLowerCase() === 'true'),
]);
const tag = z.object({ key: text, value: text });
const tags = z.array(tag).optional();
const repeated = z.array(text).optional();
const search = z.object({
  filter: text.optional(),
  max_results: int64.optional(),
  order_by: repeated,
  page_token: text.optional(),
});
const nameOnly = z.object({ name: text });
const nameVersion = z.object({ name: text, version });

/** Request schemas by endpoint, with the fields each requires. */
export const registryRequests = {
  createRegisteredModel: {
    schema: z.object({ name: text, tags, description: text.optional() }),
    required: ['name'],
  },
  renameRegisteredModel: { schema: z.object({ name: text, new_name: text }), required: ['name', 'new_name'] },
  updateRegisteredModel: {
    schema: z.object({ name: text, description: text.optional() }),
    required: ['name'],
  },
  name: { schema: nameOnly, required: ['name'] },
  searchRegisteredModels: { schema: search, required: [] },
  getLatestVersions: { schema: z.object({ name: text, stages: repeated }), required: ['name'] },
  setRegisteredModelTag: {
    schema: z.object({ name: text, key: text, value: text }),
    required: ['name', 'key', 'value'],
  },
  deleteRegisteredModelTag: { schema: z.object({ name: text, key: text }), required: ['name', 'key'] },
  createModelVersion: {
    schema: z.object({
      name: text,
      source: text,
      run_id: text.optional(),
      tags,
      run_link: text.optional(),
      description: text.optional(),
    }),
    required: ['name', 'source'],
  },
  updateModelVersion: {
    schema: z.object({ name: text, version, description: text.optional() }),
    required: ['name', 'version'],
  },
  transitionStage: {
    schema: z.object({ name: text, version, stage: text, archive_existing_versions: bool }),
    required: ['name', 'version', 'stage', 'archive_existing_versions'],
  },
  nameVersion: { schema: nameVersion, required: ['name', 'version'] },
  searchModelVersions: { schema: search, required: [] },
  setModelVersionTag: {
    schema: z.object({ name: text, version, key: text, value: text }),
    required: ['name', 'version', 'key', 'value'],
  },
  deleteModelVersionTag: {
    schema: z.object({ name: text, version, key: text }),
    required: ['name', 'version', 'key'],
  },
  setAlias: {
    schema: z.object({ name: text, alias: text, version }),
    required: ['name', 'alias', 'version'],
  },
  alias: { schema: z.object({ name: text, alias: text }), required: ['name', 'alias'] },
} as const;

/** One request's schema and its required fields. */
export type RegistryRequestSpec<T extends z.ZodType> = { schema: T; required: readonly string[] };

/** Fields the protos declare `repeated`, for GET requests whose query repeats them. */
export const repeatedFields: readonly string[] = ['order_by', 'stages'];

/** Fields where `''` means "not given" (MLflow's required-field check). */
const emptyIsMissing = new Set(['name', 'new_name', 'version', 'stage', 'alias', 'source', 'key']);

/**
 * Validates a request: required fields present (and ids/names not `''`), then the schema; unknown fields are
 * dropped.
 * @param spec - the request's schema and required fields
 * @param input - the JSON body or the query object
 * @returns the parsed request
 * @throws AppError INVALID_PARAMETER_VALUE: "Missing value for required parameter 'name'. …" or "Invalid value …
 *   for parameter 'tags.0.value' supplied. …"
 */
export function parseRegistryRequest<T extends z.ZodType>(
  spec: RegistryRequestSpec<T>,
  input: unknown,
): z.infer<T> {
  const fields = input ?? {};
  if (typeof fields !== 'object' || Array.isArray(fields))
    invalid(
      `Malformed request: the body must be a JSON object, got ${Array.isArray(fields) ? 'an array' : typeof fields}`,
    );
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
 * Query parameters as a request object: repeated fields become arrays, other fields keep their first value.
 * @param query - the parsed query string
 * @returns the request object
 */
export function queryToRequest(query: QueryParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = typeof value === 'string' ? [value] : [...value];
    out[name] = repeatedFields.includes(name) ? values : values[0];
  }
  return out;
}

function requireValue(name: string, value: unknown): void {
  if (value === undefined || value === null || (value === '' && emptyIsMissing.has(name)))
    invalid(
      `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
    );
}
