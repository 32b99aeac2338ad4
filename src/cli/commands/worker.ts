/**
 * @module cli/commands/worker — `fair worker` (the local executor loop over the shipped task catalog, until SIGINT or
 * SIGTERM; one line per attempt started and finished) and `fair worker run-task` (one task attempt without the
 * database: the entrypoint a Kubernetes pod runs).
 */
import type { Command } from 'commander';
import { AppError } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type * as Storage from '../../storage/index.ts';
import type * as Workflows from '../../workflows/index.ts';
import type { WorkerActivity } from '../../workflows/index.ts';
import { integerIn } from '../flags.ts';
import { addRuntimeOptions, applyRuntimeFlags, registryWorkerHooks } from '../runtime-options.ts';
import type { RuntimeFlags } from '../runtime-options.ts';

// The workflows domain (database drivers, the executor) loads only when a worker command runs.
const workflowsModule = async (): Promise<typeof Workflows> => import('../../workflows/index.ts');
const storageModule = async (): Promise<typeof Storage> => import('../../storage/index.ts');

type WorkerFlags = RuntimeFlags & { concurrency?: number };
type RunTaskFlags = Omit<RuntimeFlags, 'databaseUrl'> & {
  task: string;
  inputs: string;
  outputs: string;
  outputPrefix?: string;
};

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Adds `fair worker` and `fair worker run-task`.
 * @param program - the root command
 * @param config - process configuration (data directory, DATABASE_URL, STORAGE_URL, FAIR_WORKER_CONCURRENCY,
 *   FAIR_LEASE_SECONDS), overridden by the runtime flags
 */
export function registerWorkerCommands(program: Command, config: Config): void {
  const worker = addRuntimeOptions(program.command('worker'))
    .description(
      'run the local executor: claim and run task attempts until SIGINT/SIGTERM (one line per attempt)',
    )
    .option(
      '--concurrency <n>',
      'attempts run at once (env FAIR_WORKER_CONCURRENCY, default the number of cores)',
      integerIn('--concurrency', 1, 1024),
    )
    .action(async (flags: WorkerFlags) => workerCommand(config, flags));
  worker
    .command('run-task')
    .description('run one task attempt in this process, without the database, and write its outputs JSON')
    .requiredOption('--task <name@version>', 'the task, e.g. noop@1')
    .requiredOption(
      '--inputs <json|uri>',
      'inputs: JSON text, or the URI/path of a JSON file (blob store, file://)',
    )
    .requiredOption('--outputs <uri>', 'where the outputs JSON goes: a blob URI, a file:// URI or a path')
    .option(
      '--output-prefix <key>',
      'blob key prefix the task writes under (default: the folder of --outputs)',
    )
    .option('--data <dir>', 'data directory of the default blob store (env FAIR_DATA_DIR, default .fair)')
    .option(
      '--storage-url <url>',
      'blob store URL (env STORAGE_URL, default <data>/blobs); no database is opened',
    )
    .action(async (_flags: RunTaskFlags, command: Command) =>
      runTaskCommand(config, command.optsWithGlobals<RunTaskFlags>()),
    );
}

async function workerCommand(config: Config, flags: WorkerFlags): Promise<void> {
  const effective = applyRuntimeFlags(config, flags);
  const workflows = await workflowsModule();
  const runtime = await workflows.openWorkflowRuntime(effective);
  try {
    const cp = runtime.controlPlane;
    const worker = workflows.createLocalWorker({
      protocol: cp,
      tasks: runtime.tasks,
      catalogModule: workflows.builtinCatalogModule,
      blobs: runtime.blobs,
      config: effective,
      hooks: await registryWorkerHooks(runtime),
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      onActivity: (activity) => out(describeActivity(activity)),
      onError: (error) => err(`fair worker: ${error instanceof Error ? error.message : String(error)}`),
    });
    err(
      `worker ${worker.workerId}: database ${runtime.db.displayUrl}, blobs ${runtime.blobs.baseUri}; stop with Ctrl-C`,
    );
    worker.start();
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    err(
      `${signal}: stopping; running attempts are retried after their lease expires (again to quit at once)`,
    );
    process.once(signal, () => process.exit(130));
    await worker.stop();
  } finally {
    await runtime.close();
  }
}

/** One line per attempt: `started <execution>/<node>#<attempt> <task>` or `finished … <PHASE>[: error]`. */
function describeActivity(activity: WorkerActivity): string {
  const { attempt } = activity;
  const what = `${attempt.executionId}/${attempt.nodeId}#${attempt.attempt} ${attempt.task}`;
  if (activity.type === 'started') return `started ${what}`;
  const { result, recorded } = activity;
  const error = result.phase === 'SUCCEEDED' ? '' : `: ${result.error}`;
  return `finished ${what} ${result.phase}${error}${recorded ? '' : ' (not recorded)'}`;
}

async function runTaskCommand(config: Config, flags: RunTaskFlags): Promise<void> {
  const effective = applyRuntimeFlags(config, flags);
  const [workflows, storage] = await Promise.all([workflowsModule(), storageModule()]);
  const blobs = await storage.createBlobStore(effective.storageUrl, {
    dataDir: effective.dataDir,
    s3: effective.s3,
  });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await workflows.runTaskStandalone({
      task: flags.task,
      inputs: flags.inputs,
      outputs: flags.outputs,
      tasks: workflows.builtinTasks,
      blobs,
      config: effective,
      log: err,
      signal: stop.signal,
      ...(flags.outputPrefix === undefined ? {} : { outputPrefix: flags.outputPrefix }),
    });
    if (result.phase !== 'SUCCEEDED') {
      const retry = result.phase === 'FAILED' && !result.retryable ? ' (not retryable)' : '';
      throw new AppError(
        result.phase === 'TIMED_OUT' ? 'TIMEOUT' : 'INTERNAL_ERROR',
        `task ${flags.task} ${result.phase}${retry}: ${result.error}`,
      );
    }
    out(JSON.stringify(result.outputs));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
