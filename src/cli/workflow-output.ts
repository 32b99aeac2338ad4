/**
 * @module cli/workflow-output — how `fair workflow` prints registered workflows, executions and their events: plain
 * text tables and one line per event.
 */
import type {
  ExecutionEvent,
  ExecutionSummary,
  ExecutionView,
  JsonSchema,
  Lineage,
  LogLine,
  NodeView,
  WorkflowSummary,
  WorkflowView,
} from '../workflows/index.ts';

/**
 * Lays rows out as columns separated by two spaces (the last column is not padded).
 * @param rows - cells, the first row being the header
 * @returns the lines
 */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * The registered workflows, one per line.
 * @param workflows - from `listWorkflows`
 */
export function formatWorkflowList(workflows: readonly WorkflowSummary[]): string {
  if (workflows.length === 0) return 'no workflows registered\n';
  const rows = workflows.map((w) => [`${w.name}@${w.latestVersion}`, w.versions.join(','), w.description]);
  return `${table([['WORKFLOW', 'VERSIONS', 'DESCRIPTION'], ...rows]).join('\n')}\n`;
}

/**
 * Executions, newest first, one per line.
 * @param executions - from `listExecutions`
 */
export function formatExecutionList(executions: readonly ExecutionSummary[]): string {
  if (executions.length === 0) return 'no executions\n';
  const rows = executions.map((e) => [
    e.id,
    e.workflow,
    e.phase,
    e.createdAt.toISOString(),
    duration(e.startedAt, e.endedAt),
  ]);
  return `${table([['EXECUTION', 'WORKFLOW', 'PHASE', 'CREATED', 'DURATION'], ...rows]).join('\n')}\n`;
}

/** A short type of a JSON Schema property: `string`, `integer`, `binary|multi`, `[number, number]`, `a | b`. */
function schemaType(schema: JsonSchema | undefined): string {
  if (schema === undefined) return 'any';
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s['enum']))
    return s['enum'].map((v) => JSON.stringify(v).replace(/^"|"$/g, '')).join('|');
  if ('const' in s) return JSON.stringify(s['const']);
  for (const key of ['anyOf', 'oneOf'])
    if (Array.isArray(s[key])) return (s[key] as JsonSchema[]).map(schemaType).join(' | ');
  if (s['type'] === 'array') {
    if (Array.isArray(s['items'])) return `[${(s['items'] as JsonSchema[]).map(schemaType).join(', ')}]`;
    return `${schemaType(s['items'] as JsonSchema | undefined)}[]`;
  }
  if (s['type'] === 'object' && s['properties'] === undefined) return 'object';
  if (Array.isArray(s['type'])) return s['type'].join('|');
  return typeof s['type'] === 'string' ? s['type'] : 'any';
}

/**
 * The fields of an object JSON Schema as a table: name, type, required or default, description.
 * @param schema - an object schema (input side: fields with defaults are optional)
 * @returns the lines, indented by two spaces
 */
export function formatFields(schema: JsonSchema): string[] {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  // Stored schemas come back with their keys in the database's order: show required fields first, then by name.
  const entries = Object.entries(properties).sort(
    ([a], [b]) => Number(required.has(b)) - Number(required.has(a)) || a.localeCompare(b),
  );
  const rows = entries.map(([name, property]) => {
    const p = property as Record<string, unknown>;
    const status = required.has(name)
      ? 'required'
      : 'default' in p
        ? `default ${JSON.stringify(p['default'])}`
        : 'optional';
    return [name, schemaType(property), status, typeof p['description'] === 'string' ? p['description'] : ''];
  });
  if (rows.length === 0) return ['  (none)'];
  return table(rows).map((line) => `  ${line}`);
}

/** Where a binding takes its value from. */
function bindingText(binding: WorkflowView['outputs'][string]): string {
  if ('input' in binding) return `input ${binding.input}`;
  if ('node' in binding) return `${binding.node}.${binding.output}`;
  return `constant ${JSON.stringify(binding.value)}`;
}

/**
 * A workflow's documentation: description, inputs, nodes with their bindings and tasks, outputs.
 * @param view - from `getWorkflow`
 */
export function formatWorkflow(view: WorkflowView): string {
  const lines = [
    `${view.name}@${view.version}`,
    `  ${view.description}`,
    '',
    'inputs:',
    ...formatFields(view.inputs),
    '',
    'nodes:',
  ];
  for (const node of view.nodes) {
    const t = node.interface;
    const policy = [
      t.placement,
      `${t.resources.cpu} cpu`,
      `${t.resources.memoryMb} MiB`,
      ...(t.resources.gpu > 0 ? [`${t.resources.gpu} gpu`] : []),
      `retries ${t.retries.retries}`,
      `timeout ${Math.round(t.timeoutMs / 1000)} s`,
      t.cache ? `cache v${t.cacheVersion}` : 'no cache',
    ];
    lines.push(`  ${node.id}: ${node.task} (${policy.join(', ')})`, `    ${t.description}`);
    for (const [name, binding] of Object.entries(node.inputs))
      lines.push(`    ${name} ← ${bindingText(binding)}`);
  }
  lines.push('', 'outputs:');
  for (const [name, binding] of Object.entries(view.outputs))
    lines.push(`  ${name} ← ${bindingText(binding)}`);
  return `${lines.join('\n')}\n`;
}

/** Seconds between two times, `1.2 s`, or `-`. */
function duration(start: Date | null, end: Date | null): string {
  if (start === null) return '-';
  const ms = (end ?? new Date()).getTime() - start.getTime();
  return `${(ms / 1000).toFixed(1)} s${end === null ? '…' : ''}`;
}

function nodeRow(node: NodeView): string[] {
  const marker = node.cached ? 'cached' : node.reusedFrom !== null ? 'reused' : '';
  return [
    node.id,
    node.task,
    node.phase,
    String(node.attempts.length),
    marker,
    duration(node.startedAt, node.endedAt),
    node.error ?? '',
  ];
}

/**
 * An execution's state: phase, each node's phase, attempts, cached marker, duration and error, and the outputs.
 * @param view - from `getExecution`
 */
export function formatExecution(view: ExecutionView): string {
  const lines = [
    `execution ${view.id}: ${view.workflow} ${view.phase} (created ${view.createdAt.toISOString()}, ${duration(view.startedAt, view.endedAt)})`,
    ...(view.relaunchOf === null
      ? []
      : [`  relaunch of ${view.relaunchOf}${view.resumed ? ' (resumed)' : ''}`]),
    ...(view.error === null ? [] : [`  error: ${view.error}`]),
    '',
    ...table([
      ['NODE', 'TASK', 'PHASE', 'ATTEMPTS', 'CACHED', 'DURATION', 'ERROR'],
      ...view.nodes.map(nodeRow),
    ]),
  ];
  if (view.outputs !== null)
    lines.push(
      '',
      'outputs:',
      ...JSON.stringify(view.outputs, null, 2)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  return `${lines.join('\n')}\n`;
}

const NODE_DONE = new Set([
  'node.succeeded',
  'node.cached',
  'node.reused',
  'node.failed',
  'node.skipped',
  'node.aborted',
  'node.timed_out',
]);

/** Whether an event ends a node (for the progress count). */
export function endsNode(event: ExecutionEvent): boolean {
  return NODE_DONE.has(event.type);
}

function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return JSON.stringify(value);
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

/** `train metrics epoch 2: train_loss 0.4123 val_loss 0.3988 pixel_iou 0.6012 …` */
function formatMetrics(event: ExecutionEvent): string {
  const { epoch, attempt: _attempt, ...rest } = event.data as Record<string, unknown>;
  const keys = ['train_loss', 'val_loss', 'pixel_iou', 'object_f1'];
  const shown = keys.filter((k) => k in rest).map((k) => `${k} ${formatNumber(rest[k])}`);
  const others = Object.keys(rest).filter(
    (k) => !keys.includes(k) && typeof rest[k] === 'number' && k !== 'epoch',
  );
  const extra = shown.length > 0 ? shown : others.map((k) => `${k} ${formatNumber(rest[k])}`);
  return `${event.nodeId ?? ''} metrics${epoch === undefined ? '' : ` epoch ${formatNumber(epoch)}`}: ${extra.join(' ')}`;
}

/**
 * One line for an event of an execution's stream.
 * @param event - from `watch` or `events`
 * @returns the line without a newline
 */
export function formatEvent(event: ExecutionEvent): string {
  const time = event.at.toISOString().slice(11, 19);
  const d = event.data as Record<string, unknown>;
  const [kind, what] = [
    event.type.slice(0, event.type.indexOf('.')),
    event.type.slice(event.type.indexOf('.') + 1),
  ];
  const attempt = typeof d['attempt'] === 'number' ? ` (attempt ${d['attempt']})` : '';
  const error = typeof d['error'] === 'string' && d['error'] !== '' ? `: ${d['error']}` : '';
  let text: string;
  if (kind === 'execution') text = `execution ${what}${error}`;
  else if (event.type === 'task.metrics') text = formatMetrics(event);
  else if (kind === 'task') text = `${event.nodeId ?? ''} ${what} ${JSON.stringify(event.data)}`;
  else if (event.type === 'node.retrying') {
    const delay = typeof d['delayMs'] === 'number' ? ` in ${(d['delayMs'] / 1000).toFixed(1)} s` : '';
    text = `node ${event.nodeId ?? ''} retrying${delay} after attempt ${String(d['attempt'] ?? '?')}${error}`;
  } else if (event.type === 'node.reused')
    text = `node ${event.nodeId ?? ''} reused from ${String(d['from'] ?? '')}`;
  else text = `node ${event.nodeId ?? ''} ${what}${attempt}${error}`;
  return `${time} ${text}`;
}

/**
 * One log line: `<node>#<attempt> <line>`.
 * @param line - from `logs`
 */
export function formatLogLine(line: LogLine): string {
  return `${line.nodeId}#${line.attempt} ${line.line}`;
}

/**
 * The lineage of an artifact as an indented tree: each level names the execution, workflow, node and task that
 * produced it, then the input blobs it was made from.
 * @param lineage - from the control plane's `lineage(uri)`
 */
export function formatLineage(lineage: Lineage): string {
  const lines: string[] = [];
  const visit = (node: Lineage, depth: number): void => {
    const pad = '  '.repeat(depth);
    const part = node.producedAs === node.uri ? '' : ` (in ${node.producedAs})`;
    lines.push(`${pad}${node.uri}${part}`);
    lines.push(
      `${pad}  produced by ${node.workflow} execution ${node.executionId}, node ${node.nodeId} (${node.task}), ` +
        `output ${node.output}, at ${node.producedAt.toISOString()}`,
    );
    for (const source of node.sources) {
      if (source.lineage === null)
        lines.push(`${pad}  input ${source.input}: ${source.uri} (not produced by a workflow)`);
      else {
        lines.push(`${pad}  input ${source.input}:`);
        visit(source.lineage, depth + 2);
      }
    }
  };
  visit(lineage, 0);
  return `${lines.join('\n')}\n`;
}
