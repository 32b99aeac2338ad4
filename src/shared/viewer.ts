/** @module shared/viewer — who asks, as every domain with owner rules (tracking, registry, server) receives it. */

/**
 * Who asks: the fAIr user's id (null: anonymous) and whether they are an admin (default false). Domains that hide
 * private things or check owners take one; an absent viewer means an internal, trusted caller.
 */
export type Viewer = { userId: string | null; admin?: boolean };
