/**
 * @module server/app — the composition of the HTTP server: body parsers and limits, authentication, the one error
 * handler, the server's own route tables, the mounted domain tables (MLflow tracking and registry, STAC), the MLflow
 * artifact proxy, and the OpenAPI document of all of them.
 */
import fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { migrate } from '../db/index.ts';
import type { Database } from '../db/index.ts';
import { AppError } from '../shared/index.ts';
import type { Config } from '../shared/index.ts';
import type { ArtifactProxyEndpoint } from '../tracking/index.ts';
import type { ControlPlane } from '../workflows/index.ts';
import { requireUser, setRequestUser } from './auth/access.ts';
import { createAuthService } from './auth/auth-service.ts';
import type { AuthService } from './auth/auth-service.ts';
import { isLoopbackHost } from './auth/loopback.ts';
import { serverMigrations } from './auth/migrations.ts';
import { registerBodyParsers } from './http/body-parsers.ts';
import { registerStacCors } from './http/cors.ts';
import { errorFamilyOf, errorResponse, toAppError } from './http/error-response.ts';
import type { Route, RouteDoc } from './http/route.ts';
import { artifactProxyRoutes, withRawBodies } from './mount/artifact-proxy.ts';
import { tableRoutes } from './mount/endpoint-table.ts';
import type { TableSource } from './mount/endpoint-table.ts';
import { buildOpenApiDocument } from './openapi/openapi-document.ts';
import type { OpenApiObject } from './openapi/openapi-document.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { OpenStreams } from './routes/execution-events.ts';
import { executionRoutes } from './routes/execution-routes.ts';
import { metaRoutes } from './routes/meta-routes.ts';
import type { RouteDeps, RouteSet } from './routes/route-deps.ts';
import { workflowRoutes } from './routes/workflow-routes.ts';

/** The parts of the workflows runtime the server uses. */
export type ServerRuntime = { db: Database; controlPlane: ControlPlane };

/** What `createServer` needs. */
export type ServerOptions = {
  /** Body limits (`config.api`), OAuth2 provider and admins, public URL. */
  config: Config;
  /** Database (migrated here with the `server` tables) and control plane. */
  runtime: ServerRuntime;
  /** Domain endpoint tables to mount (MLflow tracking, registry, STAC), or builders given the public URL; default none. */
  tables?: readonly TableSource[];
  /** Route sets of fAIr's resources (`openServerServices(…).routeSets`), closed with the server; default none. */
  routeSets?: readonly RouteSet[];
  /** MLflow's artifact proxy (`mlflowArtifactEndpoints(tracking)`), default none. */
  artifactEndpoints?: readonly ArtifactProxyEndpoint[];
  /** Every request acts as the local admin; only loopback hosts may then be served. Default false. */
  singleUser?: boolean;
  /** Gets errors that became 500s (with their stack), default ignore. */
  onError?: (error: unknown, request: FastifyRequest) => void;
  /** Version shown in the OpenAPI document, default `3.0.0`. */
  version?: string;
};

/** A created server: listen, close, and its parts for tests. */
export interface FairServer {
  readonly app: FastifyInstance;
  readonly auth: AuthService;
  /** Every mounted route's documentation. */
  readonly routes: readonly RouteDoc[];
  /**
   * Starts listening.
   * @param options - `port` (default 8080; 0 picks a free one), `host` (default `127.0.0.1`)
   * @returns the base URL (`http://host:port`)
   * @throws AppError INVALID_PARAMETER_VALUE in single-user mode on a host that is not loopback
   */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** The public URL (`config.publicUrl`, else the listen URL). */
  publicUrl(): string;
  /** The OpenAPI document as served at `/api/openapi.json`. */
  openApiDocument(): OpenApiObject;
  /** Ends open event streams and stops the server (the runtime stays open: its owner closes it). */
  close(): Promise<void>;
}

/**
 * Creates the HTTP server (not yet listening).
 * @param options - configuration, runtime, tables to mount, single-user mode
 * @returns the server
 * @throws AppError from the `server` migrations
 * @example
 * const server = await createServer({ config, runtime, tables: [{ name: 'mlflow-tracking', endpoints: mlflowEndpoints(tracking) }] });
 * const url = await server.listen({ port: 8080, host: '127.0.0.1' });
 */
export async function createServer(options: ServerOptions): Promise<FairServer> {
  const { config, runtime } = options;
  await migrate(runtime.db, 'server', serverMigrations);
  let listenUrl = config.publicUrl ?? 'http://127.0.0.1:8080';
  const publicUrl = (): string => (config.publicUrl ?? listenUrl).replace(/\/+$/, '');
  const auth = await createAuthService({
    db: runtime.db,
    config,
    mode: options.singleUser === true ? 'single-user' : 'multi-user',
    publicUrl,
  });
  const app = fastify({ bodyLimit: config.api.bodyLimit, logger: false, forceCloseConnections: true });
  registerBodyParsers(app, config.api);
  registerStacCors(app);
  app.addHook('onRequest', async (request) => {
    setRequestUser(
      request,
      await auth.authenticate({
        authorization: request.headers.authorization,
        cookie: request.headers.cookie,
      }),
    );
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, options));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    sendError(
      new AppError('RESOURCE_DOES_NOT_EXIST', `no route ${request.method} ${path}`),
      request,
      reply,
      options,
    );
  });

  const streams = new OpenStreams();
  app.addHook('preClose', async () => streams.abortAll());
  app.addHook('onClose', async () => {
    for (const set of options.routeSets ?? []) await set.close?.();
  });
  const deps: RouteDeps = { controlPlane: runtime.controlPlane, auth, streams, publicUrl };
  const routes: Route[] = [];
  const document = (): OpenApiObject =>
    buildOpenApiDocument(routes, {
      title: 'fAIr API',
      version: options.version ?? '3.0.0',
      description:
        'fAIr 3.0: AI-assisted building mapping for OpenStreetMap. Errors: `{"error": {"code", "message", "details"}}` ' +
        'on /api, MLflow’s `{"error_code", "message"}` on /api/2.0/mlflow*, `{"code", "description"}` on /stac.',
      serverUrl: publicUrl(),
    });
  routes.push(
    ...metaRoutes(runtime.db, auth.mode, document),
    ...authRoutes(deps),
    ...workflowRoutes(deps),
    ...executionRoutes(deps),
    ...(options.routeSets ?? []).flatMap((set) => set.routes(deps)),
    ...(options.tables ?? []).flatMap((t) => tableRoutes(typeof t === 'function' ? t(publicUrl) : t)),
  );
  for (const r of routes) mountRoute(app, r);
  const proxy = artifactProxyRoutes(options.artifactEndpoints ?? []);
  if (proxy.length > 0) await withRawBodies(app, (child) => proxy.forEach((r) => mountRoute(child, r)));
  routes.push(...proxy);
  await app.ready();

  return {
    app,
    auth,
    routes,
    publicUrl,
    openApiDocument: document,
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? '127.0.0.1';
      if (auth.mode === 'single-user' && !isLoopbackHost(host))
        throw new AppError(
          'INVALID_PARAMETER_VALUE',
          `single-user mode serves only loopback addresses, not host ${host}: every request acts as the admin`,
        );
      await app.listen({ port: listenOptions.port ?? 8080, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : listenOptions.port;
      listenUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return listenUrl;
    },
    close: () => app.close(),
  };
}

/** Mounts one route: auth requirement, parse and handle, success status. */
function mountRoute(app: FastifyInstance, r: Route): void {
  app.route({
    method: r.method,
    url: r.url,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (r.auth === 'required') requireUser(request);
      const result = await r.handle(request, reply);
      if (reply.sent || result === reply) return reply;
      reply.status(r.status);
      if (r.status === 204) return reply.send();
      return result;
    },
  });
}

/** Seconds a client told 429 (RESOURCE_EXHAUSTED) waits before trying again. */
const RETRY_AFTER_BUSY_S = 10;

function sendError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  options: ServerOptions,
): void {
  const appError = toAppError(error, options.config.api.bodyLimit);
  if (appError.code === 'INTERNAL_ERROR' && appError !== error) options.onError?.(error, request);
  const { status, body } = errorResponse(appError, errorFamilyOf(request.url));
  // Busy, not broken: tell clients when a retry makes sense (RFC 9110 §10.2.3).
  if (status === 429) void reply.header('retry-after', String(RETRY_AFTER_BUSY_S));
  void reply.status(status).type('application/json; charset=utf-8').send(body);
}
