/**
 * @module server — the HTTP API of fAIr (layer 11): Fastify with zod-declared routes that also yield the OpenAPI
 * document, one error handler, authentication (API tokens, OAuth2 + PKCE login, single-user mode), live execution
 * events over SSE, and the mounting of the domains' endpoint tables (MLflow tracking and registry, STAC).
 */
export { createServer } from './app.ts';
export type { FairServer, ServerOptions, ServerRuntime } from './app.ts';
export { openServerServices } from './services.ts';
export type { ServerServices, ServerServicesOptions } from './services.ts';
export { openResources } from './resources/open-resources.ts';
export type { ResourceOptions, Resources } from './resources/open-resources.ts';
export type { RouteDeps, RouteSet } from './routes/route-deps.ts';
export { canModify, canRead, currentUser, requireModify, requireRead, requireUser } from './auth/access.ts';
export { SESSION_COOKIE, cookieValue, createAuthService, providerName } from './auth/auth-service.ts';
export type { AuthMode, AuthService, AuthServiceOptions, Credentials } from './auth/auth-service.ts';
export { AuthStore } from './auth/auth-store.ts';
export { isLoopbackHost } from './auth/loopback.ts';
export { serverMigrations } from './auth/migrations.ts';
export { TOKEN_PREFIX, codeChallengeOf, sha256Hex } from './auth/secrets.ts';
export type { ApiTokenInfo, ResourceAccess, User } from './auth/user.ts';
export { errorFamilyOf, errorResponse, toAppError } from './http/error-response.ts';
export type { ErrorFamily } from './http/error-response.ts';
export { parseJsonBody } from './http/body-parsers.ts';
export { parsePart, route } from './http/route.ts';
export type {
  AuthRequirement,
  HttpMethod,
  ResponseDoc,
  Route,
  RouteDoc,
  RouteInput,
  RouteSpec,
} from './http/route.ts';
export { baseUrlTable, fastifyPath, tableRoutes, writesNeedUser } from './mount/endpoint-table.ts';
export type {
  Endpoint,
  EndpointQuery,
  EndpointRequest,
  EndpointTable,
  TableSource,
} from './mount/endpoint-table.ts';
export { buildOpenApiDocument, jsonSchemaOf, openApiPath } from './openapi/openapi-document.ts';
export type { OpenApiInfo, OpenApiObject } from './openapi/openapi-document.ts';
export { EXECUTION_KIND } from './routes/execution-routes.ts';
export { sseFrame } from './routes/execution-events.ts';
