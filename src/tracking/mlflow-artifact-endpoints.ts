/**
 * @module tracking/mlflow-artifact-endpoints — MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`):
 * upload (PUT), download (GET), delete (DELETE) and list (GET without a path), streamed through the blob store.
 * Paths are relative to the artifact root: `<experiment_id>/<run_id>/artifacts/<file>`.
 */
import type { Readable } from 'node:stream';
import type { BlobBody } from '../storage/index.ts';
import { fileInfoJson, withoutEmpty } from './mlflow-json.ts';
import type { JsonObject } from './mlflow-json.ts';
import { parseRequest, queryToRequest, requests } from './mlflow-requests.ts';
import type { QueryParams } from './mlflow-requests.ts';
import type { TrackingService, Viewer } from './tracking-service.ts';

/** Prefix of the proxy's endpoints; a `/*` path takes the rest of the URL path (decoded) as the artifact path. */
export const MLFLOW_ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * A proxy request: the artifact path (from the URL), the query string, for uploads the streamed body, and optionally
 * who asks (uploads and deletes then need the right to write the path's run; absent: no checks).
 */
export type ArtifactProxyRequest = {
  artifactPath?: string;
  query?: QueryParams;
  body?: BlobBody;
  viewer?: Viewer | undefined;
};

/** A proxy response: JSON, or a file's bytes to stream (`application/octet-stream`, `size` bytes). */
export type ArtifactProxyResponse =
  { kind: 'json'; json: JsonObject } | { kind: 'stream'; body: Readable; size: number };

/** One proxy endpoint. */
export type ArtifactProxyEndpoint = {
  method: 'GET' | 'PUT' | 'DELETE';
  path: string;
  /**
   * Handles one request.
   * @throws AppError INVALID_PARAMETER_VALUE for an unsafe path, RESOURCE_DOES_NOT_EXIST for a missing file,
   *   PERMISSION_DENIED for a write outside the viewer's runs
   */
  handle(request: ArtifactProxyRequest): Promise<ArtifactProxyResponse>;
};

/**
 * The artifact proxy's endpoints, bound to a service.
 * @param service - the tracking service
 * @returns list, download, upload and delete
 */
export function mlflowArtifactEndpoints(service: TrackingService): ArtifactProxyEndpoint[] {
  return [
    { method: 'GET', path: MLFLOW_ARTIFACTS_PREFIX, handle: (r) => listArtifacts(service, r) },
    { method: 'GET', path: `${MLFLOW_ARTIFACTS_PREFIX}/*`, handle: (r) => downloadArtifact(service, r) },
    { method: 'PUT', path: `${MLFLOW_ARTIFACTS_PREFIX}/*`, handle: (r) => uploadArtifact(service, r) },
    { method: 'DELETE', path: `${MLFLOW_ARTIFACTS_PREFIX}/*`, handle: (r) => deleteArtifact(service, r) },
  ];
}

async function listArtifacts(
  service: TrackingService,
  request: ArtifactProxyRequest,
): Promise<ArtifactProxyResponse> {
  const { path } = parseRequest(requests.listProxiedArtifacts, queryToRequest(request.query ?? {}, []));
  const files = await service.listProxiedArtifacts(path ?? '');
  return { kind: 'json', json: withoutEmpty({ files: files.map(fileInfoJson) }) };
}

async function downloadArtifact(
  service: TrackingService,
  request: ArtifactProxyRequest,
): Promise<ArtifactProxyResponse> {
  const { body, size } = await service.downloadArtifact(request.artifactPath ?? '');
  return { kind: 'stream', body, size };
}

async function uploadArtifact(
  service: TrackingService,
  request: ArtifactProxyRequest,
): Promise<ArtifactProxyResponse> {
  await service.uploadArtifact(request.artifactPath ?? '', request.body ?? new Uint8Array(), {
    viewer: request.viewer,
  });
  return { kind: 'json', json: {} };
}

async function deleteArtifact(
  service: TrackingService,
  request: ArtifactProxyRequest,
): Promise<ArtifactProxyResponse> {
  await service.deleteArtifact(request.artifactPath ?? '', { viewer: request.viewer });
  return { kind: 'json', json: {} };
}
