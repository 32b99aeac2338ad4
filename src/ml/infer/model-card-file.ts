/** @module ml/infer/model-card-file — reading and writing `model.json` in a model folder (issue 3, §6). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, invalid } from '../../shared/index.ts';
import { MODEL_CARD_FILE, parseModelCard } from './model-card.ts';
import type { ModelCard, ModelCardInput } from './model-card.ts';

/**
 * Validates a card and writes it as `<dir>/model.json` (pretty JSON, through a temporary file and a rename so that
 * a crash never leaves half a card). Creates `dir` when missing.
 * @param dir - the model folder
 * @param card - the card; fields with defaults may be left out
 * @returns the card as written, defaults filled in
 * @throws AppError INVALID_PARAMETER_VALUE naming the first bad field (nothing is written then)
 * @example
 * await writeModelCard('models/banepa', { ...card, metrics: { iou: 0.71 } });
 */
export async function writeModelCard(dir: string, card: ModelCardInput): Promise<ModelCard> {
  const path = join(dir, MODEL_CARD_FILE);
  const valid = parseModelCard(card, path);
  await mkdir(dir, { recursive: true });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(valid, null, 2)}\n`);
  await rename(temporary, path);
  return valid;
}

/**
 * Reads and validates `<dir>/model.json`.
 * @param dir - the model folder
 * @returns the card, defaults filled in
 * @throws AppError RESOURCE_DOES_NOT_EXIST when there is no `model.json`; INVALID_PARAMETER_VALUE naming the file and
 *   the first bad field when it is not JSON or not a fAIr model card
 */
export async function readModelCard(dir: string): Promise<ModelCard> {
  return readModelCardFile(join(dir, MODEL_CARD_FILE));
}

/**
 * Reads and validates a model card file at any path.
 * @param path - the JSON file
 * @throws AppError as {@link readModelCard}
 */
export async function readModelCardFile(path: string): Promise<ModelCard> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `model card ${path} does not exist`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    invalid(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseModelCard(json, path);
}
