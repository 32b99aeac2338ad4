/**
 * @module cli/commands/serve — `fair serve`: the HTTP API, the MLflow API (tracking, artifacts) and, once mounted,
 * the registry and STAC APIs in one process, on embedded defaults unless URLs are given, with a local worker
 * in-process unless `--no-worker`; stops cleanly on SIGINT/SIGTERM. With `--processes N` (PostgreSQL only) a
 * supervisor forks N such processes sharing the port (node:cluster), like N replicas behind a load balancer: the
 * first one prints the URLs and runs the local worker; one that dies after it listened is replaced.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { databaseEngineOf } from '../../db/index.ts';
import { AppError, invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type * as Server from '../../server/index.ts';
import type * as Workflows from '../../workflows/index.ts';
import type { LocalWorker } from '../../workflows/index.ts';
import { integerIn } from '../flags.ts';
import { addRuntimeOptions, applyRuntimeFlags } from '../runtime-options.ts';
import type { RuntimeFlags } from '../runtime-options.ts';

// The server and workflows domains (Fastify, database drivers, the executor) load only when `serve` runs.
const serverModule = async (): Promise<typeof Server> => import('../../server/index.ts');
const workflowsModule = async (): Promise<typeof Workflows> => import('../../workflows/index.ts');

type ServeFlags = RuntimeFlags & {
  port: number;
  host: string;
  worker: boolean;
  singleUser?: boolean;
  processes: number;
};

/** The environment variable that tells a forked API process its index (0 prints the URLs and runs the worker). */
const PROCESS_INDEX_ENV = 'FAIR_SERVE_PROCESS_INDEX';
const MAX_PROCESSES = 64;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Adds `fair serve`.
 * @param program - the root command
 * @param config - process configuration (data directory, DATABASE_URL, STORAGE_URL, OAuth2 provider, FAIR_PUBLIC_URL,
 *   body limits), overridden by the flags
 */
export function registerServeCommands(program: Command, config: Config): void {
  addRuntimeOptions(program.command('serve'))
    .description(
      'serve the HTTP API (OpenAPI docs at /api/docs), the MLflow API and the STAC API, with a local worker; stop with Ctrl-C',
    )
    .option('--port <n>', 'TCP port (0 picks a free one)', integerIn('--port', 0, 65535), 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-worker', 'run no worker in this process (a `fair worker` elsewhere executes tasks)')
    .option(
      '--single-user',
      'every request acts as the local admin, no login (loopback hosts only; default with the embedded database and no OAuth2 client)',
    )
    .option('--no-single-user', 'require tokens or a login even with the embedded defaults')
    .option(
      '--processes <n>',
      'API processes sharing the port, or "auto" (one per CPU core); more than one needs PostgreSQL',
      processCount,
      1,
    )
    .action(async (flags: ServeFlags) => serveCommand(config, flags));
}

function processCount(value: string): number {
  const n = value === 'auto' ? Math.min(availableParallelism(), MAX_PROCESSES) : Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_PROCESSES)
    throw new InvalidArgumentError(
      `--processes ${JSON.stringify(value)} is not "auto" or an integer 1..${MAX_PROCESSES}`,
    );
  return n;
}

async function serveCommand(config: Config, flags: ServeFlags): Promise<void> {
  const effective = applyRuntimeFlags(config, flags);
  if (flags.processes > 1 && databaseEngineOf(effective.databaseUrl) !== 'postgres')
    invalid(
      `--processes ${flags.processes} needs PostgreSQL (--database-url or DATABASE_URL): the embedded database belongs to one process`,
    );
  if (flags.processes > 1 && cluster.isPrimary) return superviseProcesses(flags.processes);
  const index = cluster.isWorker ? Number(process.env[PROCESS_INDEX_ENV] ?? 0) : 0;
  const [server, workflows] = await Promise.all([serverModule(), workflowsModule()]);
  const loopback = server.isLoopbackHost(flags.host);
  const singleUser =
    flags.singleUser ?? (loopback && !effective.databaseUrl && effective.oauth.clientId === undefined);
  if (singleUser && !loopback)
    invalid(
      `--single-user serves only loopback addresses, not --host ${flags.host}: every request acts as the admin`,
    );
  const runtime = await workflows.openWorkflowRuntime(effective);
  let worker: LocalWorker | undefined;
  let http: Server.FairServer | undefined;
  try {
    // The registry records the model versions trainings register (instead of the control plane's default table).
    const services = await server.openServerServices(runtime, {
      config: effective,
      onError: (error) =>
        err(`fair serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    });
    http = await server.createServer({
      config: effective,
      runtime,
      tables: services.tables,
      routeSets: services.routeSets,
      artifactEndpoints: services.artifactEndpoints,
      singleUser,
      onError: (error, request) =>
        err(
          `fair serve: ${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    });
    const url = await http.listen({ port: flags.port, host: flags.host });
    if (flags.worker && index === 0) {
      worker = workflows.createLocalWorker({
        protocol: runtime.controlPlane,
        tasks: runtime.tasks,
        catalogModule: workflows.builtinCatalogModule,
        blobs: runtime.blobs,
        config: effective,
        hooks: services.hooks,
        onError: (error) => err(`worker: ${error instanceof Error ? error.message : String(error)}`),
      });
      worker.start();
    }
    if (index === 0)
      printUrls(url, http, runtime.db.displayUrl, runtime.blobs.baseUri, singleUser, worker !== undefined);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    if (index === 0) err(`${signal}: stopping (again to quit at once)`);
    process.once(signal, () => process.exit(130));
  } finally {
    await worker?.stop();
    await http?.close();
    await runtime.close();
    // A cluster worker's channel to its supervisor would keep it alive.
    cluster.worker?.disconnect();
  }
}

/**
 * Forks `count` API processes (each runs this command again as a cluster worker) and keeps them up: one that dies
 * after it listened is replaced, one that dies before (bad configuration, database unreachable) stops them all.
 * SIGINT/SIGTERM stop every process cleanly.
 * @param count - processes, at least 2
 * @returns when all have exited
 * @throws AppError INTERNAL_ERROR when a process failed to start
 */
async function superviseProcesses(count: number): Promise<void> {
  const alive = new Map<number, number>(); // cluster worker id → process index
  const listening = new Set<number>();
  let stopping = false;
  let failure: string | undefined;
  let allExited: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (allExited = resolve));
  const fork = (index: number): void =>
    void alive.set(cluster.fork({ [PROCESS_INDEX_ENV]: String(index) }).id, index);
  const stopAll = (): void => {
    stopping = true;
    for (const child of Object.values(cluster.workers ?? {})) child?.process.kill('SIGTERM');
  };
  let allListened = false;
  cluster.on('listening', (child) => {
    listening.add(child.id);
    if (allListened || listening.size < count) return;
    allListened = true;
    const pids = Object.values(cluster.workers ?? {}).map((w) => w?.process.pid);
    err(`fair serve: ${count} API processes listening (pids ${pids.join(', ')})`);
  });
  cluster.on('exit', (child, code, signal) => {
    const index = alive.get(child.id) ?? 0;
    alive.delete(child.id);
    if (!stopping && listening.has(child.id)) {
      err(
        `fair serve: API process ${index} (pid ${child.process.pid}) exited (${signal ?? code}); starting another`,
      );
      fork(index);
    } else if (!stopping) {
      failure = `API process ${index} exited (${signal ?? code}) before it listened`;
      stopAll();
    }
    listening.delete(child.id);
    if (alive.size === 0) allExited();
  });
  for (let index = 0; index < count; index++) fork(index);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    err(`${signal}: stopping ${count} API processes (again to quit at once)`);
    stopAll();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await exited;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (failure !== undefined)
    throw new AppError('INTERNAL_ERROR', `fair serve: ${failure}; see its output above`);
}

function printUrls(
  url: string,
  http: Server.FairServer,
  database: string,
  blobs: string,
  singleUser: boolean,
  worker: boolean,
): void {
  const publicUrl = http.publicUrl();
  out(`fAIr API     ${publicUrl}/api  (docs ${publicUrl}/api/docs, OpenAPI ${publicUrl}/api/openapi.json)`);
  out(`MLflow API   ${publicUrl}  (MLFLOW_TRACKING_URI=${publicUrl}; tracking, model registry, artifacts)`);
  if (http.routes.some((r) => r.url === '/stac')) out(`STAC API     ${publicUrl}/stac`);
  out(`listening    ${url}`);
  err(
    `database ${database}, blobs ${blobs}; ${singleUser ? 'single-user mode (every request is the local admin)' : 'API tokens and OAuth2 login'}; ${worker ? 'local worker running' : 'no worker in this process'}`,
  );
}
