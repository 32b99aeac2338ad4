/** @module ml/models/shipped-models — where the base models shipped with the repository live (`models/`). */
import { resolve } from 'node:path';

/** Folder of the shipped base models: `<repo>/models`. */
export const SHIPPED_MODELS_DIR = resolve(import.meta.dirname, '../../../models');

/**
 * The shipped base checkpoint of an architecture (what `fair train` and the training workflow start from by default).
 * @param model - architecture name, e.g. `unet-s`
 * @returns `<repo>/models/base-<model>/checkpoint.safetensors` (it may not exist for every architecture)
 */
export function shippedBaseCheckpoint(model: string): string {
  return resolve(SHIPPED_MODELS_DIR, `base-${model}`, 'checkpoint.safetensors');
}
