/** @module registry/registry-errors — the registry's "not found" and "already exists" errors, in MLflow's words. */
import { AppError } from '../shared/index.ts';

/**
 * @param name - the registered model name
 * @returns RESOURCE_DOES_NOT_EXIST naming the model
 */
export function modelNotFound(name: string): AppError {
  return new AppError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
}

/**
 * @param name - the registered model name
 * @returns RESOURCE_ALREADY_EXISTS naming the model
 */
export function modelExists(name: string): AppError {
  return new AppError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
}

/**
 * @param name - the registered model name
 * @param version - the version number
 * @returns RESOURCE_DOES_NOT_EXIST naming the model and version
 */
export function versionNotFound(name: string, version: number | string): AppError {
  return new AppError(
    'RESOURCE_DOES_NOT_EXIST',
    `Model Version (name=${name}, version=${version}) not found`,
  );
}

/**
 * @param name - the registered model name
 * @param alias - the alias
 * @returns RESOURCE_DOES_NOT_EXIST naming the alias and the model
 */
export function aliasNotFound(name: string, alias: string): AppError {
  return new AppError(
    'RESOURCE_DOES_NOT_EXIST',
    `Registered model alias ${alias} not found for model ${name}.`,
  );
}

/**
 * @param id - the base model id
 * @returns RESOURCE_DOES_NOT_EXIST naming the base model
 */
export function baseModelNotFound(id: string, known: readonly string[]): AppError {
  return new AppError(
    'RESOURCE_DOES_NOT_EXIST',
    `base model ${id} not found (known: ${known.length === 0 ? 'none' : known.join(', ')})`,
  );
}
