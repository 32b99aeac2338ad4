/**
 * @module registry/base-model-catalog — the base models a service knows: the built-in ones (read once per catalog
 * from the model declarations and `models/`) and the imported STAC items in the store.
 */
import { createHash } from 'node:crypto';
import { AppError, createStacValidator, invalid } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import { baseModelFromItem, assertBaseModelItem, DEFAULT_STAC_SCHEMAS_DIR } from './base-model-import.ts';
import { builtinBaseModels } from './base-model.ts';
import type { BaseModel } from './base-model.ts';
import { checkCompatibility } from './compatibility.ts';
import type { Compatibility, DatasetFacts } from './compatibility.ts';
import { baseModelNotFound } from './registry-errors.ts';
import type { ImportedBaseModel } from './registry-service.ts';
import type { RegistryStore } from './store.ts';

/** Options of {@link BaseModelCatalog}. */
export type BaseModelCatalogOptions = {
  store: RegistryStore;
  /** Default: one over `DEFAULT_STAC_SCHEMAS_DIR`, made on first import. */
  stacValidator?: StacValidator | undefined;
  /** Folder of the shipped models, default `<repo>/models`. */
  modelsDir?: string | undefined;
  now: () => number;
};

/** Built-in and imported base models. */
export class BaseModelCatalog {
  readonly #options: BaseModelCatalogOptions;
  #builtins: Promise<BaseModel[]> | undefined;
  #validator: Promise<StacValidator> | undefined;

  /** @param options - store, validator, shipped models folder, clock */
  constructor(options: BaseModelCatalogOptions) {
    this.#options = options;
    if (options.stacValidator !== undefined) this.#validator = Promise.resolve(options.stacValidator);
  }

  /** Built-in base models, then imported ones by id. */
  async list(): Promise<BaseModel[]> {
    const imported = await this.#options.store.listBaseModels();
    return [...(await this.#builtinModels()), ...imported.map((m) => baseModelFromItem(m.item))];
  }

  /** @throws AppError RESOURCE_DOES_NOT_EXIST listing the known ids */
  async get(id: string): Promise<BaseModel> {
    const builtin = (await this.#builtinModels()).find((m) => m.id === id);
    if (builtin !== undefined) return builtin;
    const stored = await this.#options.store.getBaseModel(id);
    if (stored !== undefined) return baseModelFromItem(stored.item);
    throw baseModelNotFound(
      id,
      (await this.list()).map((m) => m.id),
    );
  }

  /**
   * Validates and stores a base-model item.
   * @throws AppError INVALID_PARAMETER_VALUE with `details.errors`; RESOURCE_ALREADY_EXISTS for a built-in id or
   *   an id already imported with other content
   */
  async import(item: unknown): Promise<ImportedBaseModel> {
    this.#validator ??= createStacValidator(DEFAULT_STAC_SCHEMAS_DIR);
    const warnings = assertBaseModelItem(item, await this.#validator);
    const checked = item as Record<string, unknown>;
    const id = String(checked['id']);
    if ((await this.#builtinModels()).some((m) => m.id === id))
      throw new AppError(
        'RESOURCE_ALREADY_EXISTS',
        `base model ${id} is built in; import the item under another id`,
      );
    const digest = createHash('sha256').update(canonicalJson(checked)).digest('hex');
    const created = await this.#options.store.insertBaseModel({
      id,
      item: checked,
      digest,
      imported_at: this.#options.now(),
    });
    return { baseModel: baseModelFromItem(checked), created, warnings };
  }

  /** @throws AppError INVALID_PARAMETER_VALUE for a built-in; RESOURCE_DOES_NOT_EXIST */
  async delete(id: string): Promise<void> {
    if ((await this.#builtinModels()).some((m) => m.id === id))
      invalid(`base model ${id} is built in and cannot be deleted`);
    if (!(await this.#options.store.deleteBaseModel(id)))
      throw baseModelNotFound(
        id,
        (await this.list()).map((m) => m.id),
      );
  }

  /** @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown base model */
  async checkCompatibility(id: string, dataset: DatasetFacts): Promise<Compatibility> {
    return checkCompatibility(await this.get(id), dataset);
  }

  #builtinModels(): Promise<BaseModel[]> {
    this.#builtins ??= builtinBaseModels(
      ...(this.#options.modelsDir === undefined ? [] : [this.#options.modelsDir]),
    );
    return this.#builtins;
  }
}

/**
 * JSON with object keys sorted at every level, so equal items have equal digests whatever their key order.
 * @param value - a JSON value
 * @returns the canonical text
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
