/**
 * @module shared/stac-validator — validates STAC Items and Collections offline against a folder of published JSON
 * schemas (core spec by `stac_version` and `type`, plus every URL in `stac_extensions`); imports no domain.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { AppError, invalid } from './errors.ts';

/** The JSON Schema meta-schema Ajv ships itself; adding it again is rejected as a duplicate id. */
const DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/** Outcome of validating one STAC document: the schemas it was checked against and each failure, one line apiece. */
export type StacValidationResult = {
  valid: boolean;
  /** Canonical URLs of the schemas applied (core first, then extensions). */
  schemas: string[];
  /** One line per failure: `<schema url> <instance path>: <message>`. */
  errors: string[];
};

/** An offline STAC validator built from one schema folder. */
export interface StacValidator {
  /**
   * Validates a STAC Item or Collection (parsed JSON).
   * @param document - the STAC object
   * @returns the result; never throws for an invalid document
   * @throws AppError INVALID_PARAMETER_VALUE when the document is not an object with `stac_version` and `type`,
   *   or AppError RESOURCE_DOES_NOT_EXIST when a schema it declares is not in the offline set
   */
  validate(document: unknown): StacValidationResult;
  /** Every canonical schema URL the folder provides. */
  readonly schemaUrls: readonly string[];
}

/**
 * Loads every schema listed in `<schemasDir>/url-map.json` (canonical URL → relative file path) into one Ajv
 * instance (draft-07, `strict: false`, ajv-formats) without touching the network; schemas compile lazily on first
 * use. The folder layout is that of `../shared/schemas/stac` (see its README).
 * @param schemasDir - folder holding `url-map.json` and the schema files
 * @returns a validator
 * @throws AppError RESOURCE_DOES_NOT_EXIST when `url-map.json` or a file it lists cannot be read,
 *   AppError INVALID_PARAMETER_VALUE when one of them is not JSON
 * @example
 * const validator = await createStacValidator('../shared/schemas/stac');
 * const { valid, errors } = validator.validate(item);
 */
export async function createStacValidator(schemasDir: string): Promise<StacValidator> {
  const urlMap = await readJson(join(schemasDir, 'url-map.json'));
  if (typeof urlMap !== 'object' || urlMap === null || Array.isArray(urlMap))
    invalid(`${join(schemasDir, 'url-map.json')} is not an object of URL → file`);
  const ajv = await createAjv();
  // ajv-formats lacks the RFC 3987 formats STAC uses; STAC tooling does not assert them strictly either (tile
  // templates such as `{z}/{x}/{y}` are valid hrefs in practice), so accept any whitespace-free IRI.
  ajv.addFormat('iri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('iri-reference', /^[^\s]*$/);
  const loadedFiles = new Set<string>();
  const schemaUrls: string[] = [];
  for (const [url, file] of Object.entries(urlMap as Record<string, unknown>)) {
    if (typeof file !== 'string') invalid(`url-map.json entry ${url} is not a file path`);
    schemaUrls.push(url);
    if (url === DRAFT_07 || loadedFiles.has(file)) continue;
    loadedFiles.add(file);
    ajv.addSchema((await readJson(join(schemasDir, file))) as object, url);
  }
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (url: string): ValidateFunction => {
    const cached = compiled.get(url);
    if (cached) return cached;
    const fn = ajv.getSchema(url);
    if (!fn)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `STAC schema ${url} is not in the offline set ${schemasDir}`,
      );
    compiled.set(url, fn);
    return fn;
  };
  return {
    schemaUrls,
    validate(document) {
      const schemas = schemasFor(document);
      const errors: string[] = [];
      for (const url of schemas) {
        const fn = validatorFor(url);
        if (!fn(document)) errors.push(...(fn.errors ?? []).map((e) => formatError(url, e)));
      }
      return { valid: errors.length === 0, schemas, errors };
    },
  };
}

/**
 * The schema URLs a STAC document declares: its core schema (from `stac_version` and `type`) and its extensions.
 * @param document - the STAC object
 * @returns canonical schema URLs, core first
 * @throws AppError INVALID_PARAMETER_VALUE when `stac_version` or `type` is missing or `type` is not
 *   Feature/Collection/Catalog
 */
export function schemasFor(document: unknown): string[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    invalid('STAC document is not a JSON object');
  const doc = document as Record<string, unknown>;
  const version = doc['stac_version'];
  if (typeof version !== 'string' || version === '') invalid('STAC document has no stac_version');
  const spec = {
    Feature: 'item-spec/json-schema/item.json',
    Collection: 'collection-spec/json-schema/collection.json',
    Catalog: 'catalog-spec/json-schema/catalog.json',
  }[String(doc['type'])];
  if (spec === undefined)
    invalid(`STAC document type ${JSON.stringify(doc['type'])} is not Feature, Collection or Catalog`);
  const extensions = Array.isArray(doc['stac_extensions']) ? doc['stac_extensions'] : [];
  const urls = [`https://schemas.stacspec.org/v${version}/${spec}`];
  for (const ext of extensions) if (typeof ext === 'string') urls.push(ext.replace(/#$/, ''));
  return urls;
}

function formatError(schemaUrl: string, error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties' ? ` (${String(error.params['additionalProperty'])})` : '';
  return `${schemaUrl} ${where}: ${error.message ?? error.keyword}${extra}`;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `cannot read STAC schema file ${path}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalid(`STAC schema file ${path} is not valid JSON`);
  }
}

/** Ajv and ajv-formats load lazily so that importing `shared` stays cheap for code that never validates STAC. */
async function createAjv(): Promise<Ajv> {
  const { Ajv: AjvClass } = await import('ajv');
  // ajv-formats is CommonJS: under Node's ESM loader its plugin is the module's default export itself.
  const { default: addFormats } = (await import('ajv-formats')) as unknown as {
    default: (instance: Ajv) => Ajv;
  };
  const ajv = new AjvClass({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  return ajv;
}
