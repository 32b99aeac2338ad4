/** @module server/resources/common/request-viewer — the viewer of an HTTP request (the routes' side of access). */
import type { FastifyRequest } from 'fastify';
import { currentUser, requireUser } from '../../auth/access.ts';
import { ANONYMOUS } from './viewer.ts';
import type { Viewer } from './viewer.ts';

/**
 * The request's user as a viewer (anonymous when it carries no credentials).
 * @param request - the request
 */
export function viewerOf(request: FastifyRequest): Viewer {
  const user = currentUser(request);
  return user === null ? ANONYMOUS : { userId: user.id, admin: user.admin, name: user.name };
}

/**
 * The request's user as a viewer, for writes.
 * @param request - the request
 * @throws AppError UNAUTHENTICATED without credentials
 */
export function userViewerOf(request: FastifyRequest): Viewer & { userId: string } {
  const user = requireUser(request);
  return { userId: user.id, admin: user.admin, name: user.name };
}
