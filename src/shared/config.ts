/** @module shared/config — the only place that reads the environment; parsed once, passed down typed. */
import { z } from 'zod';

const envSchema = z.object({
  FAIR_DATA_DIR: z.string().default('.fair'),
  FAIR_ALLOW_PRIVATE_NETWORK: z
    .enum(['0', '1', 'true', 'false', ''])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  FAIR_OVERPASS_URL: z.string().url().default('https://overpass-api.de/api/interpreter'),
  FAIR_TILE_CACHE_DIR: z.string().optional(),
  FAIR_MAX_AOI_KM2: z.coerce.number().positive().default(100),
  DATABASE_URL: z.string().optional(),
  STORAGE_URL: z.string().optional(),
  FAIR_DEBUG: z.string().optional(),
});

/** The typed configuration of one fAIr process; see docs/configuration.md for each variable. */
export type Config = {
  /** Data directory for embedded defaults (env FAIR_DATA_DIR, default `.fair`). */
  dataDir: string;
  /** Allow tile/label URLs on private, loopback and link-local addresses (env FAIR_ALLOW_PRIVATE_NETWORK, default false). */
  allowPrivateNetwork: boolean;
  /** Overpass API endpoint (env FAIR_OVERPASS_URL). */
  overpassUrl: string;
  /** On-disk tile cache (env FAIR_TILE_CACHE_DIR, default `<dataDir>/tile-cache`). */
  tileCacheDir: string;
  /** Largest AOI accepted for datasets and OSM label fetches, km² (env FAIR_MAX_AOI_KM2, default 100). */
  maxAoiKm2: number;
  /** PostgreSQL URL; embedded PGlite when absent (env DATABASE_URL). */
  databaseUrl: string | undefined;
  /** Blob store URL; `file://<dataDir>/blobs` when absent (env STORAGE_URL). */
  storageUrl: string | undefined;
  /** Print stack traces with CLI errors (env FAIR_DEBUG, default off). */
  debug: boolean;
};

/**
 * Parses the environment once.
 * @param env - the environment, default `process.env`
 * @throws Error naming the first invalid variable
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid environment variable ${String(issue?.path[0])}: ${issue?.message ?? 'bad value'}`,
    );
  }
  const e = parsed.data;
  return {
    dataDir: e.FAIR_DATA_DIR,
    allowPrivateNetwork: e.FAIR_ALLOW_PRIVATE_NETWORK,
    overpassUrl: e.FAIR_OVERPASS_URL,
    tileCacheDir: e.FAIR_TILE_CACHE_DIR ?? `${e.FAIR_DATA_DIR}/tile-cache`,
    maxAoiKm2: e.FAIR_MAX_AOI_KM2,
    databaseUrl: e.DATABASE_URL,
    storageUrl: e.STORAGE_URL,
    debug: Boolean(e.FAIR_DEBUG),
  };
}
