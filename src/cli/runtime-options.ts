/**
 * @module cli/runtime-options — the flags every command that opens the workflow runtime shares: `--data <dir>`,
 * `--database-url <url>` and `--storage-url <url>`, each overriding its environment variable.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../shared/index.ts';
import type { ControlPlaneHooks, WorkflowRuntime } from '../workflows/index.ts';

/** The parsed runtime flags (commander's camel-cased names). */
export type RuntimeFlags = { data?: string; databaseUrl?: string; storageUrl?: string };

/**
 * Adds `--data`, `--database-url` and `--storage-url` to a command.
 * @param command - the command to extend
 * @returns the same command, for chaining
 */
export function addRuntimeOptions(command: Command): Command {
  return command
    .option(
      '--data <dir>',
      'data directory of the embedded database and blob store (env FAIR_DATA_DIR, default .fair)',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL URL, or pglite:<dir> (env DATABASE_URL, default PGlite in <data>/db)',
    )
    .option(
      '--storage-url <url>',
      'blob store URL: file:///dir or s3://bucket/prefix (env STORAGE_URL, default <data>/blobs)',
    );
}

/**
 * The configuration with the runtime flags applied: `--data` moves the data directory (and the tile cache when it
 * was the default one inside it); `--database-url` and `--storage-url` replace their URLs.
 * @param config - the configuration from the environment
 * @param flags - the parsed flags
 * @returns a new configuration; `config` is not changed
 */
export function applyRuntimeFlags(config: Config, flags: RuntimeFlags): Config {
  const next: Config = { ...config };
  if (flags.data !== undefined) {
    const dataDir = path.resolve(flags.data);
    if (config.tileCacheDir === `${config.dataDir}/tile-cache`)
      next.tileCacheDir = path.join(dataDir, 'tile-cache');
    next.dataDir = dataDir;
  }
  if (flags.databaseUrl !== undefined) next.databaseUrl = flags.databaseUrl;
  if (flags.storageUrl !== undefined) next.storageUrl = flags.storageUrl;
  return next;
}

/**
 * The model-version hooks every local worker of the CLI uses (`fair worker`, `fair workflow run --follow`, `fair
 * serve`): the model registry, so a version registered by a training is the same record whichever process ran it.
 * @param runtime - the open workflow runtime (its database and blob store)
 * @returns the registry-backed hooks
 */
export async function registryWorkerHooks(runtime: WorkflowRuntime): Promise<ControlPlaneHooks> {
  const server = await import('../server/index.ts');
  return (await server.openServerServices(runtime)).hooks;
}
