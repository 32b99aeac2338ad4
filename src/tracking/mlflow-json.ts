/**
 * @module tracking/mlflow-json — entities as MLflow's REST API writes them (protobuf JSON of `service.proto`):
 * snake_case fields, int64 as numbers, unset optional fields and empty repeated fields left out, NaN as "NaN".
 */
import { AppError, codeToStatus, isAppError } from '../shared/index.ts';
import type { Experiment, FileInfo, Metric, Run, RunInfo } from './entities.ts';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object (every MLflow response body is one). */
export type JsonObject = { [key: string]: Json };

/**
 * A double as protobuf JSON writes it: NaN and ±Infinity as strings.
 * @param value - the number
 * @returns the number, or `"NaN"`, `"Infinity"`, `"-Infinity"`
 */
export function doubleJson(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/**
 * An object without its empty-array fields (protobuf JSON leaves out empty repeated fields).
 * @param fields - the fields
 * @returns the object with every non-empty field
 */
export function withoutEmpty(fields: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/**
 * An `Experiment` message.
 * @param experiment - the experiment
 * @returns its JSON
 */
export function experimentJson(experiment: Experiment): JsonObject {
  return withoutEmpty({
    experiment_id: experiment.experiment_id,
    name: experiment.name,
    artifact_location: experiment.artifact_location,
    lifecycle_stage: experiment.lifecycle_stage,
    last_update_time: experiment.last_update_time,
    creation_time: experiment.creation_time,
    tags: experiment.tags.map(({ key, value }) => ({ key, value })),
  });
}

/**
 * A `Metric` message.
 * @param metric - the metric
 * @returns its JSON
 */
export function metricJson(metric: Metric): JsonObject {
  return { key: metric.key, value: doubleJson(metric.value), timestamp: metric.timestamp, step: metric.step };
}

/**
 * A `RunInfo` message (`end_time` only once set).
 * @param info - the run info
 * @returns its JSON
 */
export function runInfoJson(info: RunInfo): JsonObject {
  return withoutEmpty({
    run_id: info.run_id,
    run_uuid: info.run_uuid,
    run_name: info.run_name,
    experiment_id: info.experiment_id,
    user_id: info.user_id,
    status: info.status,
    start_time: info.start_time,
    end_time: info.end_time ?? undefined,
    artifact_uri: info.artifact_uri,
    lifecycle_stage: info.lifecycle_stage,
  });
}

/**
 * A `Run` message.
 * @param run - the run
 * @returns its JSON (`data` and `inputs` always present, possibly `{}`)
 */
export function runJson(run: Run): JsonObject {
  return {
    info: runInfoJson(run.info),
    data: withoutEmpty({
      metrics: run.data.metrics.map(metricJson),
      params: run.data.params.map(({ key, value }) => ({ key, value })),
      tags: run.data.tags.map(({ key, value }) => ({ key, value })),
    }),
    inputs: {},
  };
}

/**
 * A `FileInfo` message.
 * @param file - the entry
 * @returns its JSON (`file_size` for files only)
 */
export function fileInfoJson(file: FileInfo): JsonObject {
  return file.file_size === undefined
    ? { path: file.path, is_dir: file.is_dir }
    : { path: file.path, is_dir: file.is_dir, file_size: file.file_size };
}

/**
 * The MLflow error response of a failure: `{error_code, message}` and the HTTP status of `codeToStatus`
 * (RESOURCE_DOES_NOT_EXIST → 404, INVALID_PARAMETER_VALUE and RESOURCE_ALREADY_EXISTS → 400). Anything that is not
 * an AppError is an INTERNAL_ERROR.
 * @param error - what a handler threw
 * @returns the status and body to send
 */
export function mlflowErrorResponse(error: unknown): {
  status: number;
  body: { error_code: string; message: string };
} {
  const appError = isAppError(error)
    ? error
    : new AppError('INTERNAL_ERROR', error instanceof Error ? error.message : String(error));
  return {
    status: codeToStatus[appError.code],
    body: { error_code: appError.code, message: appError.message },
  };
}
