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
  FAIR_S3_ENDPOINT: z.string().url().optional(),
  FAIR_S3_REGION: z.string().optional(),
  AWS_REGION: z.string().optional(),
  FAIR_S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false', '']).optional(),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  FAIR_WORKER_CONCURRENCY: z.coerce.number().int().positive().optional(),
  FAIR_LEASE_SECONDS: z.coerce.number().positive().default(30),
  FAIR_PUBLIC_URL: z.string().url().optional(),
  FAIR_OAUTH_CLIENT_ID: z.string().optional(),
  FAIR_OAUTH_CLIENT_SECRET: z.string().optional(),
  FAIR_OAUTH_AUTHORIZE_URL: z.string().url().default('https://www.openstreetmap.org/oauth2/authorize'),
  FAIR_OAUTH_TOKEN_URL: z.string().url().default('https://www.openstreetmap.org/oauth2/token'),
  FAIR_OAUTH_USERINFO_URL: z
    .string()
    .url()
    .default('https://api.openstreetmap.org/api/0.6/user/details.json'),
  FAIR_OAUTH_SCOPE: z.string().default('read_prefs'),
  FAIR_ADMIN_USERS: z.string().default(''),
  FAIR_API_BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  FAIR_API_MAX_VERTICES: z.coerce.number().int().positive().default(500_000),
});

/** How the `s3://` blob store reaches its server. */
export type S3Config = {
  /** Endpoint of an S3-compatible server (env FAIR_S3_ENDPOINT); AWS when absent. */
  endpoint: string | undefined;
  /** Region (env FAIR_S3_REGION, then AWS_REGION, default `us-east-1`). */
  region: string;
  /** Path-style addressing (env FAIR_S3_FORCE_PATH_STYLE, default true when an endpoint is given). */
  forcePathStyle: boolean;
  /** Access key (env AWS_ACCESS_KEY_ID); the SDK's default chain when absent. */
  accessKeyId: string | undefined;
  /** Secret key (env AWS_SECRET_ACCESS_KEY). */
  secretAccessKey: string | undefined;
};

/** The OAuth2 provider users log in with (authorization code + PKCE); OpenStreetMap by default. */
export type OAuthConfig = {
  /** Client id registered with the provider (env FAIR_OAUTH_CLIENT_ID); login is off when absent. */
  clientId: string | undefined;
  /** Client secret (env FAIR_OAUTH_CLIENT_SECRET); public PKCE clients have none. */
  clientSecret: string | undefined;
  /** Authorization endpoint (env FAIR_OAUTH_AUTHORIZE_URL, default OpenStreetMap's). */
  authorizeUrl: string;
  /** Token endpoint (env FAIR_OAUTH_TOKEN_URL, default OpenStreetMap's). */
  tokenUrl: string;
  /** User info endpoint (env FAIR_OAUTH_USERINFO_URL, default OpenStreetMap's `user/details.json`). */
  userInfoUrl: string;
  /** Scopes asked for (env FAIR_OAUTH_SCOPE, default `read_prefs`). */
  scope: string;
};

/** Limits of the HTTP API's request bodies. */
export type ApiLimits = {
  /** Largest request body in bytes (env FAIR_API_BODY_LIMIT, default 10 MiB). */
  bodyLimit: number;
  /** Most GeoJSON positions in one JSON request body (env FAIR_API_MAX_VERTICES, default 500,000). */
  maxVertices: number;
};

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
  /** The S3 server of `s3://` storage URLs. */
  s3: S3Config;
  /** Task attempts a local worker runs at once (env FAIR_WORKER_CONCURRENCY, default the number of cores). */
  workerConcurrency: number | undefined;
  /** Seconds a worker's lease on a task attempt lasts without a heartbeat (env FAIR_LEASE_SECONDS, default 30). */
  leaseSeconds: number;
  /** URL the server is reached at, for OAuth2 redirects and links (env FAIR_PUBLIC_URL, default its listen address). */
  publicUrl: string | undefined;
  /** The OAuth2 login provider. */
  oauth: OAuthConfig;
  /** Provider user ids (`osm:123` or `123`) made admins when they log in (env FAIR_ADMIN_USERS, comma-separated). */
  adminUsers: string[];
  /** Request body limits of the HTTP API. */
  api: ApiLimits;
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
    s3: {
      endpoint: e.FAIR_S3_ENDPOINT,
      region: e.FAIR_S3_REGION ?? e.AWS_REGION ?? 'us-east-1',
      forcePathStyle:
        e.FAIR_S3_FORCE_PATH_STYLE === undefined || e.FAIR_S3_FORCE_PATH_STYLE === ''
          ? e.FAIR_S3_ENDPOINT !== undefined
          : e.FAIR_S3_FORCE_PATH_STYLE === '1' || e.FAIR_S3_FORCE_PATH_STYLE === 'true',
      accessKeyId: e.AWS_ACCESS_KEY_ID,
      secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
    },
    workerConcurrency: e.FAIR_WORKER_CONCURRENCY,
    leaseSeconds: e.FAIR_LEASE_SECONDS,
    publicUrl: e.FAIR_PUBLIC_URL,
    oauth: {
      clientId: e.FAIR_OAUTH_CLIENT_ID || undefined,
      clientSecret: e.FAIR_OAUTH_CLIENT_SECRET || undefined,
      authorizeUrl: e.FAIR_OAUTH_AUTHORIZE_URL,
      tokenUrl: e.FAIR_OAUTH_TOKEN_URL,
      userInfoUrl: e.FAIR_OAUTH_USERINFO_URL,
      scope: e.FAIR_OAUTH_SCOPE,
    },
    adminUsers: e.FAIR_ADMIN_USERS.split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
    api: { bodyLimit: e.FAIR_API_BODY_LIMIT, maxVertices: e.FAIR_API_MAX_VERTICES },
  };
}
