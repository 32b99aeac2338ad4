/**
 * @module cli/commands/workflow — `fair workflow list | describe | run | status | logs | cancel | relaunch | lineage`: versioned
 * workflows from the command line. With the embedded database, `run --follow` also runs a local worker in this
 * process until the execution ends (PGlite is single-process).
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type * as Workflows from '../../workflows/index.ts';
import type { ExecutionView, WorkflowRuntime } from '../../workflows/index.ts';
import { integerIn } from '../flags.ts';
import { addRuntimeOptions, applyRuntimeFlags, registryWorkerHooks } from '../runtime-options.ts';
import type { RuntimeFlags } from '../runtime-options.ts';
import {
  endsNode,
  formatEvent,
  formatExecution,
  formatExecutionList,
  formatLineage,
  formatLogLine,
  formatWorkflow,
  formatWorkflowList,
} from '../workflow-output.ts';

// The workflows domain (database drivers, the executor) loads only when a workflow command runs.
const workflowsModule = async (): Promise<typeof Workflows> => import('../../workflows/index.ts');

type JsonFlag = { json?: boolean };
type ListFlags = RuntimeFlags & JsonFlag & { executions?: boolean; limit: number };
type FollowFlags = JsonFlag & { follow?: boolean; worker?: boolean };
type RunFlags = RuntimeFlags & FollowFlags & { inputs: string };
type LogsFlags = RuntimeFlags & { follow?: boolean; node?: string };
type RelaunchFlags = RuntimeFlags & FollowFlags & { resume?: boolean };

const out = (text: string): void => void process.stdout.write(text);
const err = (line: string): void => void process.stderr.write(`${line}\n`);
const json = (value: unknown): void => out(`${JSON.stringify(value, null, 2)}\n`);

/**
 * Adds `fair workflow …`.
 * @param program - the root command
 * @param config - process configuration (data directory, DATABASE_URL, STORAGE_URL; overridden by the runtime flags)
 */
export function registerWorkflowCommands(program: Command, config: Config): void {
  const workflow = program
    .command('workflow')
    .description('versioned workflows of typed tasks: list, describe, run, follow, cancel, relaunch');
  addRuntimeOptions(workflow.command('list'))
    .description('list registered workflows (or recent executions with --executions)')
    .option('--executions', 'list recent executions instead, newest first')
    .option('--limit <n>', 'executions to list', integerIn('limit', 1, 1000), 20)
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => withRuntime(config, flags, (rt) => listCommand(rt, flags)));
  addRuntimeOptions(workflow.command('describe <workflow>'))
    .description(
      'show a workflow’s inputs, nodes with their tasks and bindings, and outputs (name or name@version)',
    )
    .option('--json', 'print the registered workflow as JSON')
    .action(async (ref: string, flags: RuntimeFlags & JsonFlag) =>
      withRuntime(config, flags, async (rt) => {
        const view = await rt.controlPlane.getWorkflow(ref);
        if (flags.json) json(view);
        else out(formatWorkflow(view));
      }),
    );
  followOptions(
    addRuntimeOptions(workflow.command('run <workflow>'))
      .description('launch a workflow (name or name@version) with inputs')
      .requiredOption('--inputs <json|@file>', 'launch inputs: JSON text, or @ and a JSON file'),
  ).action(async (ref: string, flags: RunFlags) => {
    const inputs = await readInputs(flags.inputs);
    await withRuntime(config, flags, async (rt, effective) => {
      const id = await rt.controlPlane.launch(ref, inputs);
      await afterLaunch(rt, effective, id, flags);
    });
  });
  addRuntimeOptions(workflow.command('status <execution>'))
    .description(
      'show an execution: phase, and each node’s phase, attempts, cached marker, duration and error',
    )
    .option('--json', 'print the execution as JSON')
    .action(async (id: string, flags: RuntimeFlags & JsonFlag) =>
      withRuntime(config, flags, async (rt) => {
        const view = await rt.controlPlane.getExecution(id);
        if (flags.json) json(view);
        else out(formatExecution(view));
      }),
    );
  addRuntimeOptions(workflow.command('logs <execution>'))
    .description('print the task logs of an execution')
    .option('--node <id>', 'only this node’s lines')
    .option('--follow', 'keep printing new lines until the execution ends')
    .action(async (id: string, flags: LogsFlags) =>
      withRuntime(config, flags, (rt) => logsCommand(rt, id, flags)),
    );
  addRuntimeOptions(workflow.command('cancel <execution>'))
    .description('cancel an execution: queued tasks are dropped, running task processes stopped')
    .action(async (id: string, flags: RuntimeFlags) =>
      withRuntime(config, flags, async (rt) => out(`execution ${id}: ${await rt.controlPlane.cancel(id)}\n`)),
    );
  addRuntimeOptions(workflow.command('lineage <uri>'))
    .description(
      'show what produced an artifact: execution, workflow and task versions, inputs, and the lineage of each input blob',
    )
    .option('--json', 'print the lineage as JSON')
    .action(async (uri: string, flags: RuntimeFlags & JsonFlag) =>
      withRuntime(config, flags, async (rt) => {
        const lineage = await rt.controlPlane.lineage(uri);
        if (flags.json) json(lineage);
        else out(formatLineage(lineage));
      }),
    );
  followOptions(
    addRuntimeOptions(workflow.command('relaunch <execution>'))
      .description('run an execution again with the same workflow version and inputs')
      .option('--resume', 'reuse the outputs of its succeeded nodes and run only the rest'),
  ).action(async (original: string, flags: RelaunchFlags) =>
    withRuntime(config, flags, async (rt, effective) => {
      const id = await rt.controlPlane.relaunch(original, { resume: flags.resume === true });
      await afterLaunch(rt, effective, id, flags);
    }),
  );
}

function followOptions(command: Command): Command {
  return command
    .option('--follow', 'print events until the execution ends (exit status 1 unless it succeeds)')
    .option(
      '--worker',
      'with --follow: run a local worker in this process (default with the embedded database)',
    )
    .option('--no-worker', 'with --follow: only watch; a `fair worker` elsewhere executes the tasks')
    .option('--json', 'print the execution as JSON at the end (or its id when not following)');
}

/** Opens the runtime with the flags applied, runs `fn`, closes the runtime. */
async function withRuntime(
  config: Config,
  flags: RuntimeFlags,
  fn: (runtime: WorkflowRuntime, config: Config) => Promise<void>,
): Promise<void> {
  const effective = applyRuntimeFlags(config, flags);
  const runtime = await (await workflowsModule()).openWorkflowRuntime(effective);
  try {
    await fn(runtime, effective);
  } finally {
    await runtime.close();
  }
}

/**
 * Launch inputs from `--inputs`: JSON text, or `@path` of a JSON file.
 * @throws AppError INVALID_PARAMETER_VALUE naming the flag when the text is not a JSON object
 */
async function readInputs(spec: string): Promise<Record<string, unknown>> {
  const text = spec.startsWith('@')
    ? await readFile(spec.slice(1), 'utf8').catch(() =>
        invalid(`--inputs file ${spec.slice(1)} cannot be read`),
      )
    : spec;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(`--inputs is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid('--inputs must be a JSON object of input names to values');
  return value as Record<string, unknown>;
}

async function listCommand(rt: WorkflowRuntime, flags: ListFlags): Promise<void> {
  if (flags.executions) {
    const page = await rt.controlPlane.listExecutions({ limit: flags.limit });
    if (flags.json) json(page.items);
    else out(formatExecutionList(page.items));
    return;
  }
  const workflows = await rt.controlPlane.listWorkflows();
  if (flags.json) json(workflows);
  else out(formatWorkflowList(workflows));
}

async function afterLaunch(
  rt: WorkflowRuntime,
  config: Config,
  id: string,
  flags: FollowFlags,
): Promise<void> {
  if (!flags.follow) {
    if (flags.json) json({ execution: id, phase: 'QUEUED' });
    else out(`${id}\n`);
    err(`queued; run \`fair worker\` or \`fair serve\` to execute it (or \`fair workflow run … --follow\`)`);
    return;
  }
  await followExecution(rt, config, id, flags);
}

/** Prints events until the execution ends, with a local worker when asked or when the database is embedded. */
async function followExecution(
  rt: WorkflowRuntime,
  config: Config,
  id: string,
  flags: FollowFlags,
): Promise<void> {
  const workflows = await workflowsModule();
  const cp = rt.controlPlane;
  const local = flags.worker ?? rt.db.engine === 'pglite';
  const worker = local
    ? workflows.createLocalWorker({
        protocol: cp,
        tasks: rt.tasks,
        catalogModule: workflows.builtinCatalogModule,
        blobs: rt.blobs,
        config,
        hooks: await registryWorkerHooks(rt),
        onError: (error) => err(`worker: ${(error as Error).message ?? String(error)}`),
      })
    : undefined;
  err(
    `following execution ${id}${worker === undefined ? ' (a worker elsewhere executes it)' : ' with a local worker'}`,
  );
  const interrupted = new AbortController();
  const onInterrupt = (): void => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  worker?.start();
  try {
    const total = (await cp.getExecution(id)).nodes.length;
    const done = new Set<string>();
    for await (const event of cp.watch(id, { signal: interrupted.signal })) {
      let line = formatEvent(event);
      if (endsNode(event) && event.nodeId !== null) {
        done.add(event.nodeId);
        line += `  [${done.size}/${total} nodes done]`;
      }
      err(line);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    await worker?.stop();
  }
  if (interrupted.signal.aborted) {
    err(`stopped following ${id}; it goes on when a worker runs (\`fair workflow status ${id}\`)`);
    process.exitCode = 130;
    return;
  }
  report(await cp.getExecution(id), flags);
}

function report(view: ExecutionView, flags: FollowFlags): void {
  if (flags.json) json(view);
  else out(formatExecution(view));
  if (view.phase !== 'SUCCEEDED') {
    err(`fair: error: execution ${view.id} ${view.phase}${view.error === null ? '' : `: ${view.error}`}`);
    process.exitCode = 1;
  }
}

async function logsCommand(rt: WorkflowRuntime, id: string, flags: LogsFlags): Promise<void> {
  const cp = rt.controlPlane;
  const { isTerminalPhase } = await workflowsModule();
  let afterId = 0;
  for (;;) {
    // Checked before reading: lines are stored before an attempt completes, so none can come after this read.
    const ended = !flags.follow || isTerminalPhase((await cp.getExecution(id)).phase);
    for (;;) {
      const lines = await cp.logs(id, {
        afterId,
        ...(flags.node === undefined ? {} : { nodeId: flags.node }),
      });
      if (lines.length === 0) break;
      for (const line of lines) out(`${formatLogLine(line)}\n`);
      afterId = lines.at(-1)?.id ?? afterId;
    }
    if (ended) return;
    await delay(500);
  }
}
