/**
 * @module server/routes/auth-routes — login (OAuth2 authorization code + PKCE: `/api/auth/login` redirects to the
 * provider, `/api/auth/callback` finishes it and sets the session cookie), `/api/auth/me`, logout, and personal API
 * tokens (create: shown once; list; revoke).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/index.ts';
import { requireUser } from '../auth/access.ts';
import { SESSION_COOKIE, SESSION_SECONDS } from '../auth/auth-service.ts';
import type { ApiTokenInfo, User } from '../auth/user.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import type { RouteDeps } from './route-deps.ts';

const userSchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerUserId: z.string(),
  name: z.string(),
  admin: z.boolean(),
  createdAt: z.string(),
});
const tokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const createdTokenSchema = tokenInfoSchema.extend({
  token: z.string().describe('the token: shown this once, send it as `Authorization: Bearer <token>`'),
});

const loginQuery = z.object({
  return_to: z.string().max(2000).optional().describe('path on this server to return to, default `/`'),
});
const callbackQuery = z.object({
  code: z.string().min(1).max(4000).optional(),
  state: z.string().min(1).max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});
const tokenBody = z.strictObject({ name: z.string().min(1).max(100).describe('what the token is for') });
const tokenParams = z.object({ id: z.string().min(1).max(100).describe('token id') });

/**
 * The auth routes.
 * @param deps - auth service and public URL
 * @returns login, callback, me, logout and token routes
 */
export function authRoutes(deps: RouteDeps): Route[] {
  const tags = ['auth'];
  return [
    route({
      method: 'GET',
      url: '/api/auth/login',
      operationId: 'login',
      summary: 'start an OAuth2 login (redirects to the provider with state and an S256 code challenge)',
      tags,
      query: loginQuery,
      status: 302,
      responses: { 302: { description: 'redirect to the provider' } },
      handler: ({ query, reply }) => login(deps, query.return_to, reply),
    }),
    route({
      method: 'GET',
      url: '/api/auth/callback',
      operationId: 'loginCallback',
      summary: 'finish an OAuth2 login: exchange the code, record the user, set the session cookie',
      tags,
      query: callbackQuery,
      status: 302,
      responses: { 302: { description: 'redirect to `return_to` with the session cookie' } },
      handler: ({ query, reply }) => callback(deps, query, reply),
    }),
    route({
      method: 'GET',
      url: '/api/auth/me',
      operationId: 'getCurrentUser',
      summary: 'the user this request acts as, and the auth mode',
      tags,
      auth: 'required',
      responses: {
        200: { description: 'the user', schema: z.object({ user: userSchema, mode: z.string() }) },
      },
      handler: async ({ request }) => ({ user: requireUser(request), mode: deps.auth.mode }),
    }),
    route({
      method: 'POST',
      url: '/api/auth/logout',
      operationId: 'logout',
      summary: 'end the login session',
      tags,
      status: 204,
      responses: { 204: { description: 'logged out' } },
      handler: ({ request, reply }) => logout(deps, request, reply),
    }),
    route({
      method: 'GET',
      url: '/api/auth/tokens',
      operationId: 'listTokens',
      summary: 'your personal API tokens (never the secrets)',
      tags,
      auth: 'required',
      responses: { 200: { description: 'tokens', schema: z.object({ items: z.array(tokenInfoSchema) }) } },
      handler: ({ request }) => listTokens(deps, request),
    }),
    route({
      method: 'POST',
      url: '/api/auth/tokens',
      operationId: 'createToken',
      summary: 'create a personal API token (its secret is shown once)',
      tags,
      auth: 'required',
      body: tokenBody,
      status: 201,
      responses: { 201: { description: 'the token', schema: createdTokenSchema } },
      handler: ({ request, body }) => createToken(deps, request, body.name),
    }),
    route({
      method: 'DELETE',
      url: '/api/auth/tokens/:id',
      operationId: 'revokeToken',
      summary: 'revoke one of your API tokens',
      tags,
      auth: 'required',
      params: tokenParams,
      status: 204,
      responses: { 204: { description: 'revoked' } },
      handler: ({ request, params }) => deps.auth.revokeToken(requireUser(request), params.id),
    }),
  ];
}

async function login(
  deps: RouteDeps,
  returnTo: string | undefined,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (deps.auth.mode === 'single-user')
    throw new AppError(
      'NOT_IMPLEMENTED',
      'login is off in single-user mode: every request acts as the local admin',
    );
  return reply.redirect(await deps.auth.beginLogin(returnTo), 302);
}

async function callback(
  deps: RouteDeps,
  query: z.output<typeof callbackQuery>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (query.error !== undefined)
    throw new AppError(
      'UNAUTHENTICATED',
      `the login provider refused the login: ${query.error}${query.error_description === undefined ? '' : `: ${query.error_description}`}`,
    );
  if (query.code === undefined || query.state === undefined)
    throw new AppError(
      'INVALID_PARAMETER_VALUE',
      'invalid query parameter code: the callback needs code and state',
    );
  const { user, returnTo } = await deps.auth.finishLogin(query.code, query.state);
  const session = await deps.auth.createSession(user);
  reply.header('set-cookie', sessionCookie(deps, session, SESSION_SECONDS));
  return reply.redirect(returnTo, 302);
}

async function logout(deps: RouteDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await deps.auth.endSession(request.headers.cookie);
  reply.header('set-cookie', sessionCookie(deps, '', 0));
}

async function listTokens(deps: RouteDeps, request: FastifyRequest): Promise<{ items: ApiTokenInfo[] }> {
  return { items: await deps.auth.listTokens(requireUser(request)) };
}

async function createToken(
  deps: RouteDeps,
  request: FastifyRequest,
  name: string,
): Promise<ApiTokenInfo & { token: string }> {
  const user: User = requireUser(request);
  const { token, info } = await deps.auth.createToken(user, name);
  return { ...info, token };
}

/** The Set-Cookie value of the session: HttpOnly, SameSite=Lax, Secure on https. */
function sessionCookie(deps: RouteDeps, value: string, maxAge: number): string {
  const secure = deps.publicUrl().startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}
