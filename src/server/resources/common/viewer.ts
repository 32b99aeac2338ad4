/**
 * @module server/resources/common/viewer — who asks, as the resource services see it (no HTTP types below the
 * routes), and the access rules they apply: reads of private resources need the owner or an admin (otherwise the
 * resource does not exist), changes need the owner or an admin.
 */
import { AppError } from '../../../shared/index.ts';
import type { Viewer as DomainViewer } from '../../../shared/index.ts';

/** The acting user, or anonymous (`userId` null): the domains' viewer, always saying whether it is an admin. */
export type Viewer = DomainViewer & { admin: boolean; name?: string | undefined };

/** Owner and privacy of a resource. */
export type Owned = { owner_id: string | null; private: boolean };

/** Anonymous. */
export const ANONYMOUS: Viewer = { userId: null, admin: false };

/**
 * True when the viewer may read the resource.
 * @param viewer - who asks
 * @param resource - owner and privacy
 */
export function canView(viewer: Viewer, resource: Owned): boolean {
  return !resource.private || viewer.admin || (viewer.userId !== null && viewer.userId === resource.owner_id);
}

/**
 * Throws unless the viewer may read the resource; a private resource of someone else is reported missing.
 * @param viewer - who asks
 * @param resource - the resource, or undefined when not found
 * @param what - names it, e.g. `dataset 1f3…`
 * @returns the resource
 * @throws AppError RESOURCE_DOES_NOT_EXIST naming `what`
 */
export function visible<T extends Owned>(viewer: Viewer, resource: T | undefined, what: string): T {
  if (resource === undefined || !canView(viewer, resource))
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `${what} does not exist`);
  return resource;
}

/**
 * Throws unless the viewer may change the resource (its owner or an admin).
 * @param viewer - who asks
 * @param resource - the resource
 * @param what - names it
 * @throws AppError UNAUTHENTICATED for anonymous; PERMISSION_DENIED for another user
 */
export function assertCanModify(viewer: Viewer, resource: Owned, what: string): void {
  if (viewer.userId === null)
    throw new AppError(
      'UNAUTHENTICATED',
      'authentication required: send `Authorization: Bearer <token>` or log in at /api/auth/login',
    );
  if (!viewer.admin && resource.owner_id !== viewer.userId)
    throw new AppError(
      'PERMISSION_DENIED',
      `${what} belongs to another user: only its owner or an admin may change it`,
    );
}

/**
 * The SQL condition of rows the viewer may see, appending its parameters.
 * @param viewer - who asks
 * @param params - the statement's parameters (appended to)
 * @param alias - table alias prefix, default none
 * @returns a condition such as `(NOT private OR owner_id = $3)`
 */
export function visibleSql(viewer: Viewer, params: unknown[], alias = ''): string {
  if (viewer.admin) return 'true';
  if (viewer.userId === null) return `NOT ${alias}private`;
  params.push(viewer.userId);
  return `(NOT ${alias}private OR ${alias}owner_id = $${params.length})`;
}
