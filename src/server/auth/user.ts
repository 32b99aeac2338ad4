/** @module server/auth/user — who a request acts as, and the API token metadata users see. */

/** A user of the server: from an OAuth2 provider (`osm`), or the local admin of single-user mode (`local`). */
export type User = {
  /** Server-side id (UUID). */
  id: string;
  /** Identity provider: `osm` (or the configured provider's name), `local` for single-user mode. */
  provider: string;
  /** The user's id at the provider (OpenStreetMap user id). */
  providerUserId: string;
  /** Display name from the provider. */
  name: string;
  /** Admins modify and read everything. */
  admin: boolean;
  createdAt: Date;
};

/** A personal API token as listed (the secret itself is shown once, at creation, and never stored). */
export type ApiTokenInfo = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** Who owns a resource and whether others may read it. */
export type ResourceAccess = {
  /** Owner's user id; null for resources made outside the API (only admins modify those). */
  ownerId: string | null;
  /** Private resources are read only by their owner and admins. */
  private: boolean;
};
