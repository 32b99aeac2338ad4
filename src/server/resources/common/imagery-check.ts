/**
 * @module server/resources/common/imagery-check — an imagery source a user gives the API: an http(s) XYZ/TMS tile
 * URL template or a TileJSON URL (never a path on the server), opened with the safe fetching rules of `imagery/`
 * (private, loopback and link-local hosts refused unless the server allows them; TileJSON fetched with a deadline).
 */
import { openImagerySource } from '../../../imagery/index.ts';
import type { ImageryKind } from '../../../imagery/index.ts';
import { AppError, classifyAddress, invalid, isAppError, parseIpAddress } from '../../../shared/index.ts';

/** How the server reaches imagery. */
export type ImageryPolicy = { allowPrivateNetwork: boolean; tileCacheDir: string };

/**
 * Checks and opens an imagery source.
 * @param spec - the URL template or TileJSON URL
 * @param policy - network policy and tile cache
 * @param field - names the input in messages, default `imagery`
 * @returns the kind (`xyz`, `tms`, `tilejson`) and a redacted label
 * @throws AppError INVALID_PARAMETER_VALUE naming the field for a path, another scheme, a private host that is not
 *   allowed, a TileJSON that is missing or malformed; TIMEOUT or UPSTREAM_FAILURE when the TileJSON cannot be read
 */
export async function checkImagery(
  spec: string,
  policy: ImageryPolicy,
  field = 'imagery',
): Promise<{ kind: ImageryKind; label: string }> {
  if (!/^https?:\/\//i.test(spec.trim()))
    invalid(`invalid body field ${field}: give an http(s) tile URL template or TileJSON URL, not ${spec}`);
  const host = hostOf(spec);
  if (!policy.allowPrivateNetwork && host !== undefined) {
    const kind =
      host === 'localhost' || host.endsWith('.localhost')
        ? 'loopback'
        : parseIpAddress(host) === undefined
          ? undefined
          : classifyAddress(host);
    if (kind !== undefined)
      invalid(
        `invalid body field ${field}: host ${host} is a ${kind} address, which this server may not fetch (FAIR_ALLOW_PRIVATE_NETWORK)`,
      );
  }
  try {
    const source = await openImagerySource(spec.trim(), {
      allowPrivateNetwork: policy.allowPrivateNetwork,
      cacheDir: policy.tileCacheDir,
    });
    return { kind: source.kind, label: source.label };
  } catch (error) {
    if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST') || isAppError(error, 'PERMISSION_DENIED'))
      throw new AppError('INVALID_PARAMETER_VALUE', `invalid body field ${field}: ${error.message}`);
    if (isAppError(error, 'INVALID_PARAMETER_VALUE') && !error.message.startsWith('invalid body field'))
      throw new AppError('INVALID_PARAMETER_VALUE', `invalid body field ${field}: ${error.message}`);
    throw error;
  }
}

/** The host of a URL template (placeholders in the host, e.g. `{s}`, leave it undecidable: undefined). */
function hostOf(spec: string): string | undefined {
  const match = /^https?:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(spec.trim());
  const host = match?.[1]?.toLowerCase();
  if (host === undefined || host.includes('{') || host.includes('%7b')) return undefined;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}
