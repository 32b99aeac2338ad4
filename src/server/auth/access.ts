/**
 * @module server/auth/access — the rules resource routes apply: writes need a user (401), owners and admins modify
 * (403 otherwise), reads are public unless the resource is private.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../shared/index.ts';
import type { ResourceAccess, User } from './user.ts';

/** The user each request acts as, set by the server's authentication hook (null: anonymous). */
const users = new WeakMap<FastifyRequest, User | null>();

/**
 * Records the user of a request (the server's authentication hook calls this).
 * @param request - the request
 * @param user - its user, or null for anonymous
 */
export function setRequestUser(request: FastifyRequest, user: User | null): void {
  users.set(request, user);
}

/**
 * The user of a request, or null when anonymous.
 * @param request - the request
 */
export function currentUser(request: FastifyRequest): User | null {
  return users.get(request) ?? null;
}

/**
 * The user of a request that needs one (every write).
 * @param request - the request
 * @returns the user
 * @throws AppError UNAUTHENTICATED when the request carries no credentials
 */
export function requireUser(request: FastifyRequest): User {
  const user = currentUser(request);
  if (user === null)
    throw new AppError(
      'UNAUTHENTICATED',
      'authentication required: send `Authorization: Bearer <token>` or log in at /api/auth/login',
    );
  return user;
}

/**
 * True when the user may modify or delete the resource: its owner, or an admin.
 * @param user - the acting user
 * @param resource - the resource's owner
 */
export function canModify(user: User, resource: Pick<ResourceAccess, 'ownerId'>): boolean {
  return user.admin || (resource.ownerId !== null && resource.ownerId === user.id);
}

/**
 * True when the user (or anonymous, null) may read the resource: public ones everyone, private ones owner and admins.
 * @param user - the acting user, or null
 * @param resource - owner and visibility
 */
export function canRead(user: User | null, resource: ResourceAccess): boolean {
  return !resource.private || (user !== null && canModify(user, resource));
}

/**
 * Throws unless the request's user may modify the resource.
 * @param request - the request
 * @param resource - the resource's owner
 * @param what - names the resource in the message, e.g. `execution 42`
 * @returns the user
 * @throws AppError UNAUTHENTICATED without credentials; PERMISSION_DENIED when neither owner nor admin
 */
export function requireModify(
  request: FastifyRequest,
  resource: Pick<ResourceAccess, 'ownerId'>,
  what: string,
): User {
  const user = requireUser(request);
  if (!canModify(user, resource))
    throw new AppError(
      'PERMISSION_DENIED',
      `${what} belongs to another user: only its owner or an admin may change it`,
    );
  return user;
}

/**
 * Throws unless the request's user may read the resource; a private resource is reported missing, so its existence
 * does not leak.
 * @throws AppError RESOURCE_DOES_NOT_EXIST naming `what`
 */
export function requireRead(request: FastifyRequest, resource: ResourceAccess, what: string): void {
  if (!canRead(currentUser(request), resource))
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `${what} does not exist`);
}
