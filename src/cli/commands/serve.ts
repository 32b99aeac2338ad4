/**
 * @module cli/commands/serve — `fair serve`: the HTTP API, the MLflow API (tracking, artifacts) and, once mounted,
 * the registry and STAC APIs in one process, on embedded defaults unless URLs are given, with a local worker
 * in-process unless `--no-worker`; stops cleanly on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { invalid } from '../../shared/index.ts';
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

type ServeFlags = RuntimeFlags & { port: number; host: string; worker: boolean; singleUser?: boolean };

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
    .action(async (flags: ServeFlags) => serveCommand(config, flags));
}

async function serveCommand(config: Config, flags: ServeFlags): Promise<void> {
  const effective = applyRuntimeFlags(config, flags);
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
    if (flags.worker) {
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
    printUrls(url, http, runtime.db.displayUrl, runtime.blobs.baseUri, singleUser, worker !== undefined);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    err(`${signal}: stopping (again to quit at once)`);
    process.once(signal, () => process.exit(130));
  } finally {
    await worker?.stop();
    await http?.close();
    await runtime.close();
  }
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
