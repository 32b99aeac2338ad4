/** @module workflows/control-plane/input-validator — launch inputs checked against a workflow's registered JSON Schema. */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalid } from '../../shared/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import type { WorkflowSpec } from './specs.ts';

// ajv-formats is CommonJS: under Node's ESM loader its plugin is the module's default export itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Validates launch inputs (defaults of the schema filled in); compiled schemas are kept per workflow version. */
export class InputValidator {
  readonly #ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true, logger: false });
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.#ajv);
  }

  /**
   * Checks inputs against a workflow's inputs schema.
   * @param workflow - the registered workflow
   * @param inputs - the launch inputs (parsed JSON)
   * @returns a copy of the inputs with schema defaults filled in
   * @throws AppError INVALID_PARAMETER_VALUE listing each failing field (`zoom: must be <= 22; model_name: required`)
   */
  validate(workflow: WorkflowSpec, inputs: unknown): Record<string, JsonValue> {
    const ref = `${workflow.name}@${workflow.version}`;
    let validate = this.#compiled.get(ref);
    if (validate === undefined) {
      validate = this.#ajv.compile(workflow.inputs);
      this.#compiled.set(ref, validate);
    }
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      invalid(
        `inputs of ${ref} must be a JSON object, got ${Array.isArray(inputs) ? 'an array' : typeof inputs}`,
      );
    }
    const copy = structuredClone(inputs) as Record<string, JsonValue>;
    const problems = validate(copy) ? [] : (validate.errors ?? []).map(describeError);
    problems.push(...unknownNames(workflow, copy));
    if (problems.length > 0) {
      invalid(`inputs of ${ref} are invalid: ${problems.join('; ')}`, { errors: problems });
    }
    return copy;
  }
}

/** Inputs the schema does not declare (zod's input-side schemas leave `additionalProperties` open). */
function unknownNames(workflow: WorkflowSpec, inputs: Record<string, JsonValue>): string[] {
  const { properties, additionalProperties } = workflow.inputs;
  if (additionalProperties !== undefined) return [];
  const known = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
  return Object.keys(inputs)
    .filter((name) => !known.includes(name))
    .map((name) => `${name}: not an input of this workflow (inputs: ${known.join(', ') || 'none'})`);
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty?: string }).missingProperty ?? '?';
    return `${path === '' ? '' : `${path}.`}${missing}: required`;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty?: string }).additionalProperty ?? '?';
    return `${path === '' ? '' : `${path}.`}${extra}: not an input`;
  }
  return `${path === '' ? '(inputs)' : path}: ${error.message ?? 'invalid'}`;
}
