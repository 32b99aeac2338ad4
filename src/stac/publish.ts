/**
 * @module stac/publish — putting built items into the catalog: checked against the catalog's collections and,
 * when a validator is given, against the official schemas before anything is written; then written in one
 * transaction.
 */
import { AppError, invalid } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import type { StacBackend } from './backend.ts';
import { isCollectionId } from './catalog.ts';
import { COLLECTION_IDS } from './stac-constants.ts';
import type { StacItem } from './stac-types.ts';

/** Options of {@link publishItems}. */
export type PublishOptions = {
  /** Validates every item first (`createStacValidator(schemasDir)`); none by default. */
  validator?: StacValidator;
};

/**
 * Publishes items (insert or replace by collection and id), after checking all of them: a known collection and,
 * with a validator, valid STAC. Nothing is written when one fails.
 * @param backend - the item store
 * @param items - built items (`baseModelItem`, `localModelItem`, `datasetItem`)
 * @param options - validator
 * @returns the number of items written
 * @throws AppError INVALID_PARAMETER_VALUE naming the item and its first schema errors, or its unknown collection
 * @example
 * await publishItems(backend, [localModelItem(input)], { validator });
 */
export async function publishItems(
  backend: StacBackend,
  items: readonly StacItem[],
  options: PublishOptions = {},
): Promise<number> {
  for (const item of items) {
    const collection = item.collection ?? '';
    if (!isCollectionId(collection))
      invalid(`item ${item.id} names collection ${collection || '(none)'}; use ${COLLECTION_IDS.join(', ')}`);
    const result = options.validator?.validate(item);
    if (result !== undefined && !result.valid)
      invalid(`item ${item.id} is not valid STAC: ${result.errors.slice(0, 3).join('; ')}`, {
        errors: result.errors,
      });
  }
  await backend.upsertItems(items);
  return items.length;
}

/**
 * Removes an item from the catalog.
 * @param backend - the item store
 * @param collection - collection id
 * @param id - item id
 * @throws AppError RESOURCE_DOES_NOT_EXIST when there was no such item
 */
export async function unpublishItem(backend: StacBackend, collection: string, id: string): Promise<void> {
  if (!(await backend.deleteItem(collection, id)))
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `item ${id} does not exist in collection ${collection}`);
}
