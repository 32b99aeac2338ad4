/**
 * @module registry/resolve-version — which version "model X" means when no version is given: the Production one
 * where asked for, else the highest number. Workflows' hooks and fAIr's API both resolve this way.
 */
import { AppError } from '../shared/index.ts';
import type { Access, RegistryService } from './registry-service.ts';
import type { ModelVersion } from './entities.ts';

/**
 * A string literal of the registry's filter syntax (a doubled quote stands for itself).
 * @param value - any text
 * @returns the quoted literal
 */
export function filterLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The version a request means: the given one; else, with `preferProduction`, the Production one; else the highest.
 * @param service - the registry
 * @param name - the registered model
 * @param options - `version` (a number), `preferProduction`
 * @param access - the viewer, for private models
 * @returns the version
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown model or version, or a model without versions
 */
export async function resolveModelVersion(
  service: RegistryService,
  name: string,
  options: { version?: number | undefined; preferProduction: boolean },
  access?: Access,
): Promise<ModelVersion> {
  if (options.version !== undefined) return service.getModelVersion(name, String(options.version), access);
  if (options.preferProduction) {
    const [production] = await service.getLatestVersions(name, ['Production'], access);
    if (production !== undefined) return production;
  }
  const page = await service.searchModelVersions({
    ...access,
    filter: `name = ${filterLiteral(name)}`,
    orderBy: ['version_number DESC'],
    maxResults: 1,
  });
  const latest = page.items[0];
  if (latest === undefined)
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `model ${name} has no registered versions`);
  return latest;
}
