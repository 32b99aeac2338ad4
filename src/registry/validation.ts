/**
 * @module registry/validation — MLflow's registry input rules and their messages: model names, version numbers,
 * stage names, tags, aliases and page sizes. Every failure is INVALID_PARAMETER_VALUE.
 */
import { invalid } from '../shared/index.ts';
import { STAGES } from './entities.ts';
import type { Stage } from './entities.ts';

/** Length limits of the registry (MLflow's SQL store column sizes). */
export const registryLimits = {
  nameLength: 256,
  tagKeyLength: 250,
  tagValueLength: 5000,
  aliasLength: 255,
  descriptionLength: 100_000,
  /** `registered-models/search`: default and largest `max_results` (MLflow: 100 and 1000). */
  modelSearchDefault: 100,
  modelSearchMax: 1000,
  /** `model-versions/search`: default and largest `max_results` (MLflow allows 200 000; fAIr keeps pages small). */
  versionSearchDefault: 10_000,
  versionSearchMax: 200_000,
} as const;

/**
 * Checks a registered model name: not empty, at most 256 characters, and without `/` or `:` (they would break
 * `models:/<name>/<version>` URIs).
 * @param name - the name
 * @returns the name
 * @throws AppError INVALID_PARAMETER_VALUE naming the rule
 */
export function checkModelName(name: string): string {
  if (name === '') invalid('Registered model name cannot be empty.');
  if (name.length > registryLimits.nameLength)
    invalid(
      `Registered model name '${name.slice(0, 40)}…' is longer than ${registryLimits.nameLength} characters.`,
    );
  if (/[/:]/.test(name)) invalid(`Registered model name '${name}' must not contain '/' or ':'.`);
  return name;
}

/**
 * Parses a version number as the API sends it (a decimal string).
 * @param version - e.g. `"3"`
 * @returns the number (≥ 1)
 * @throws AppError INVALID_PARAMETER_VALUE when it is not a positive integer
 */
export function parseVersion(version: string): number {
  if (!/^\d{1,9}$/.test(version) || Number(version) < 1)
    invalid(`Parameter 'version' must be a positive integer, got '${version}'.`);
  return Number(version);
}

/**
 * The canonical spelling of a stage (MLflow accepts any letter case).
 * @param stage - e.g. `production`
 * @returns e.g. `Production`
 * @throws AppError INVALID_PARAMETER_VALUE listing the stages
 */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (found === undefined)
    invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return found;
}

/**
 * Checks a tag of a registered model or model version.
 * @param key - not empty, at most 250 characters
 * @param value - at most 5000 characters
 * @throws AppError INVALID_PARAMETER_VALUE naming the key
 */
export function checkTag(key: string, value: string): void {
  if (key === '') invalid("Missing value for required parameter 'key'.");
  if (key.length > registryLimits.tagKeyLength)
    invalid(`Tag key '${key.slice(0, 40)}…' is longer than ${registryLimits.tagKeyLength} characters.`);
  if (value.length > registryLimits.tagValueLength)
    invalid(`Value of tag '${key}' is longer than ${registryLimits.tagValueLength} characters.`);
}

/**
 * Checks an alias name (MLflow's rules): letters, digits, `_` and `-`; not `latest` (it means the newest version)
 * and not `v<number>` (it would read as a version).
 * @param alias - the alias
 * @throws AppError INVALID_PARAMETER_VALUE naming the alias and the rule
 */
export function checkAlias(alias: string): void {
  if (alias === '') invalid("Missing value for required parameter 'alias'.");
  if (alias.length > registryLimits.aliasLength)
    invalid(`Alias name '${alias.slice(0, 40)}…' is longer than ${registryLimits.aliasLength} characters.`);
  if (!/^[\w-]+$/.test(alias))
    invalid(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and hyphens (-).`,
    );
  if (alias.toLowerCase() === 'latest') invalid(`'${alias}' alias name (case insensitive) is reserved.`);
  if (/^v\d+$/i.test(alias)) invalid(`Version alias name '${alias}' is reserved.`);
}

/**
 * Checks a description.
 * @param description - the text
 * @throws AppError INVALID_PARAMETER_VALUE when it is too long
 */
export function checkDescription(description: string): void {
  if (description.length > registryLimits.descriptionLength)
    invalid(`Description is longer than ${registryLimits.descriptionLength} characters.`);
}

/**
 * Checks a `max_results` request value.
 * @param value - what the caller asked for, or undefined
 * @param fallback - the default
 * @param limit - the largest allowed
 * @returns the page size to use
 * @throws AppError INVALID_PARAMETER_VALUE in MLflow's words when it is not positive or over the limit
 */
export function pageSize(value: number | undefined, fallback: number, limit: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0)
    invalid(
      `Invalid value for request parameter max_results. It must be a positive integer, but got value ${value}`,
    );
  if (value > limit)
    invalid(
      `Invalid value for request parameter max_results. It must be at most ${limit}, but got value ${value}`,
    );
  return value;
}
