/**
 * @module server/mount/artifact-proxy — mounts MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts/…`):
 * downloads stream from the blob store, uploads stream into it. The raw request body is handed over whatever its
 * content type (an uploaded `.json` artifact is bytes, not a body to parse), so the proxy lives in its own Fastify
 * context with a pass-through parser only.
 */
import type { FastifyInstance } from 'fastify';
import type { ArtifactProxyEndpoint } from '../../tracking/index.ts';
import type { BlobBody } from '../../storage/index.ts';
import { currentUser } from '../auth/access.ts';
import type { HttpMethod, Route } from '../http/route.ts';
import { fastifyPath, operationIdOf } from './endpoint-table.ts';
import type { EndpointQuery } from './endpoint-table.ts';

/**
 * The routes of the artifact proxy.
 * @param endpoints - `mlflowArtifactEndpoints(tracking)`
 * @returns list (GET), download (GET `*`), upload (PUT `*`, auth), delete (DELETE `*`, auth); each handler gets
 *   the viewer, so writes follow tracking's owner rules
 */
export function artifactProxyRoutes(endpoints: readonly ArtifactProxyEndpoint[]): Route[] {
  return endpoints.map((endpoint) => {
    const method: HttpMethod = endpoint.method;
    const url = fastifyPath(endpoint.path);
    const download = method === 'GET' && url.endsWith('*');
    const route: Route = {
      method,
      url,
      operationId: operationIdOf(
        'mlflowArtifacts',
        method,
        url.endsWith('*') ? `${url.slice(0, -1)}file` : url,
      ),
      summary: summaryOf(method, url.endsWith('*')),
      tags: ['mlflow-artifacts'],
      auth: method === 'GET' ? 'optional' : 'required',
      status: 200,
      responses: {
        200: download
          ? { description: 'the file', contentType: 'application/octet-stream' }
          : { description: 'success (JSON)' },
      },
      async handle(request, reply) {
        const params = request.params as Record<string, string>;
        const user = currentUser(request);
        const response = await endpoint.handle({
          ...(params['*'] === undefined ? {} : { artifactPath: params['*'] }),
          query: request.query as EndpointQuery,
          ...(request.body === undefined ? {} : { body: request.body as BlobBody }),
          // Uploads and deletes need the right to write the path's run (tracking's owner rules).
          viewer: { userId: user?.id ?? null, admin: user?.admin === true },
        });
        if (response.kind === 'json') return response.json;
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', String(response.size))
          .send(response.body);
      },
    };
    if (method === 'PUT') route.bodyContentTypes = ['application/octet-stream'];
    return route;
  });
}

/**
 * Registers routes in a child context whose only body parser hands the raw request stream over.
 * @param app - the server
 * @param mount - registers the routes on the child context
 */
export async function withRawBodies(
  app: FastifyInstance,
  mount: (child: FastifyInstance) => void,
): Promise<void> {
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    mount(child);
  });
}

function summaryOf(method: HttpMethod, file: boolean): string {
  if (!file) return 'MLflow artifacts: list the files under `path`';
  if (method === 'GET') return 'MLflow artifacts: download a file';
  if (method === 'PUT') return 'MLflow artifacts: upload a file (raw body)';
  return 'MLflow artifacts: delete a file';
}
