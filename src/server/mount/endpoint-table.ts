/**
 * @module server/mount/endpoint-table — mounts a domain's endpoint table (`{method, path, handle({params, query,
 * body})}` returning JSON, as `mlflowEndpoints`, the registry's and the STAC API's tables are) as routes: one adapter
 * for every table, so domains stay free of HTTP.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentUser } from '../auth/access.ts';
import type { AuthRequirement, HttpMethod, Route } from '../http/route.ts';

/** Query string values as a table handler receives them (a repeated key gives an array). */
export type EndpointQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a table handler receives. */
export type EndpointRequest = {
  /** Path parameters (`{id}` or `:id` segments; `*` holds the rest of the path). */
  params: Readonly<Record<string, string>>;
  query: EndpointQuery;
  /** The parsed JSON body (POST/PUT/PATCH/DELETE), undefined when none. */
  body: unknown;
  /**
   * Who asks: the user's id (null: anonymous) and admin flag, for tables with their own access rules (tracking's
   * and the registry's owners).
   */
  viewer: { userId: string | null; admin: boolean };
};

/** One endpoint of a table. */
export type Endpoint = {
  method: string;
  /** Full path; `{name}` or `:name` segments are parameters, a trailing `*` the rest of the path. */
  path: string;
  /** One-line summary for the OpenAPI document (default: the table's name and the path). */
  summary?: string;
  /** Media type of the JSON answer, default `application/json` (STAC items: `application/geo+json`). */
  contentType?: string;
  /** Returns the response body: a value to send as JSON, or JSON already encoded (a string or Buffer), sent as is. */
  handle(request: EndpointRequest): Promise<unknown>;
};

/** A table with its OpenAPI tag and the auth rule of its writes. */
export type EndpointTable = {
  /** OpenAPI tag, e.g. `mlflow-tracking`, `mlflow-registry`, `stac`. */
  name: string;
  endpoints: readonly Endpoint[];
  /**
   * Which endpoints need a user, default: every method other than GET, except paths ending in `/search` (MLflow's
   * and STAC's searches are reads sent as POST).
   */
  needsUser?: (method: HttpMethod, path: string) => boolean;
};

/** A table, or a function building it once the server's public URL getter exists (tables whose links need it). */
export type TableSource = EndpointTable | ((publicUrl: () => string) => EndpointTable);

/**
 * A table whose endpoints are built from a base URL known only at request time (a server on port 0 learns its URL
 * when it listens): the endpoint list is taken from a first build, and each request runs the endpoint of a build for
 * the current base URL (cached while the URL stays the same).
 * @param name - the table's name
 * @param build - builds the endpoints for a base URL; must give the same methods and paths for every URL
 * @param baseUrl - the current base URL
 * @returns the table
 */
export function baseUrlTable(
  name: string,
  build: (baseUrl: string) => readonly Endpoint[],
  baseUrl: () => string,
): EndpointTable {
  let cached: { url: string; endpoints: readonly Endpoint[] } | undefined;
  const current = (): readonly Endpoint[] => {
    const url = baseUrl();
    if (cached?.url !== url) cached = { url, endpoints: build(url) };
    return cached.endpoints;
  };
  const endpoints = current().map((endpoint, index): Endpoint => {
    const delegate: Endpoint = {
      method: endpoint.method,
      path: endpoint.path,
      handle: (request) => {
        const live = current()[index];
        if (live === undefined) throw new Error(`endpoint ${index} of ${name} vanished`);
        return live.handle(request);
      },
    };
    if (endpoint.summary !== undefined) delegate.summary = endpoint.summary;
    if (endpoint.contentType !== undefined) delegate.contentType = endpoint.contentType;
    return delegate;
  });
  return { name, endpoints };
}

const methods = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The default auth rule of tables: writes need a user, searches are reads.
 * @param method - the HTTP method
 * @param path - the endpoint path
 */
export function writesNeedUser(method: HttpMethod, path: string): boolean {
  return method !== 'GET' && !path.endsWith('/search');
}

/**
 * Fastify's path syntax for a table path: `{id}` → `:id`.
 * @param path - the table's path
 */
export function fastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/**
 * The routes of a table.
 * @param table - the endpoint table
 * @returns one route per endpoint, documented under the table's name
 * @throws Error for an endpoint with an unsupported method
 */
export function tableRoutes(table: EndpointTable): Route[] {
  const needsUser = table.needsUser ?? writesNeedUser;
  return table.endpoints.map((endpoint) => {
    const method = endpoint.method.toUpperCase();
    if (!methods.has(method))
      throw new Error(`endpoint ${endpoint.path} of ${table.name} has method ${endpoint.method}`);
    const httpMethod = method as HttpMethod;
    const auth: AuthRequirement = needsUser(httpMethod, endpoint.path) ? 'required' : 'optional';
    const url = fastifyPath(endpoint.path);
    const route: Route = {
      method: httpMethod,
      url,
      operationId: operationIdOf(table.name, httpMethod, endpoint.path),
      summary: endpoint.summary ?? `${table.name}: ${httpMethod} ${endpoint.path}`,
      tags: [table.name],
      auth,
      status: 200,
      responses: {
        200: { description: 'success', contentType: endpoint.contentType ?? 'application/json' },
      },
      async handle(request: FastifyRequest, reply: FastifyReply) {
        const user = currentUser(request);
        const body = await endpoint.handle({
          params: request.params as Record<string, string>,
          query: request.query as EndpointQuery,
          body: request.body,
          viewer: { userId: user?.id ?? null, admin: user?.admin === true },
        });
        if (endpoint.contentType !== undefined) void reply.type(endpoint.contentType);
        return body;
      },
    };
    if (httpMethod !== 'GET') route.bodyContentTypes = ['application/json'];
    return route;
  });
}

/**
 * A stable operationId: the table name and the path, camel-cased, with the method when it is not POST/GET alone.
 * @param table - table name
 * @param method - HTTP method
 * @param path - endpoint path
 */
export function operationIdOf(table: string, method: string, path: string): string {
  const words = `${table} ${method} ${path}`
    .replace(/\{([^}]+)\}|:([A-Za-z0-9_]+)/g, 'by $1$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '' && w !== 'api');
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}
