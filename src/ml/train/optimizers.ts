/**
 * @module ml/train/optimizers — Adam/AdamW and SGD (momentum, Nesterov) updating Float32Array parameters in place;
 * state is serialisable so a resumed run takes exactly the step it would have taken (issue 3, part 2).
 */
import { invalid } from '../../shared/index.ts';

/** Adam hyper-parameters; `decoupled: true` makes it AdamW (Loshchilov & Hutter). */
export type AdamOptions = {
  /** Decay of the first moment, default 0.9. */
  beta1?: number;
  /** Decay of the second moment, default 0.999. */
  beta2?: number;
  /** Added to the denominator, default 1e-8. */
  eps?: number;
  /** L2 penalty (Adam) or decoupled decay factor (AdamW), default 0. */
  weightDecay?: number;
  /** true = AdamW: decay the weights directly instead of adding `weightDecay * p` to the gradient, default false. */
  decoupled?: boolean;
};

/** SGD hyper-parameters (PyTorch semantics: the first step initialises the momentum buffer with the gradient). */
export type SgdOptions = {
  /** Momentum factor, default 0.9 (0 = plain SGD, no buffers). */
  momentum?: number;
  /** Nesterov momentum, default false (needs momentum > 0). */
  nesterov?: boolean;
  /** L2 penalty added to the gradient, default 0. */
  weightDecay?: number;
};

/**
 * Everything an optimiser needs to continue exactly: per-parameter update counts and the moment buffers, keyed
 * `m.<param>` / `v.<param>` (Adam) or `momentum.<param>` (SGD). Buffers are copies, safe to keep or write to disk.
 */
export type OptimizerState = {
  kind: 'adam' | 'sgd';
  /** The resolved hyper-parameters the state was produced with (informative; `load` keeps its own). */
  options: Required<AdamOptions> | Required<SgdOptions>;
  /** Number of `step` calls so far. */
  stepCount: number;
  /** Number of updates each parameter received (Adam's bias correction uses it; frozen steps do not count). */
  paramSteps: Record<string, number>;
  buffers: Map<string, Float32Array>;
};

/** An optimiser over named Float32Array parameters. */
export interface Optimizer {
  /**
   * Updates every parameter that has a gradient, in place. Parameters absent from `grads` (frozen) are untouched.
   * @param params - parameter name → values (mutated)
   * @param grads - parameter name → gradient of the loss, same length as the parameter (not mutated)
   * @param lr - learning rate of this step
   * @throws AppError INVALID_PARAMETER_VALUE on a gradient without parameter, a length mismatch or a bad `lr`
   */
  step(params: Map<string, Float32Array>, grads: Map<string, Float32Array>, lr: number): void;
  /** A copy of the optimiser's state. */
  state(): OptimizerState;
  /**
   * Replaces the state with a copy of `state`.
   * @throws AppError INVALID_PARAMETER_VALUE when `state` belongs to another optimiser kind or is malformed
   */
  load(state: OptimizerState): void;
}

/**
 * Creates Adam (or AdamW with `decoupled: true`), with PyTorch's update rule:
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `p ← p − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + eps)`;
 * Adam adds `weightDecay·p` to `g`, AdamW multiplies `p` by `1 − lr·weightDecay` first.
 * @param options - see {@link AdamOptions} for defaults
 * @returns the optimiser; buffers are allocated on a parameter's first update and reused afterwards
 * @throws AppError INVALID_PARAMETER_VALUE when a hyper-parameter is out of range
 * @example
 * const adam = createAdam({ weightDecay: 1e-4, decoupled: true });
 * adam.step(params, grads, 1e-3);
 */
export function createAdam(options: AdamOptions = {}): Optimizer {
  const o: Required<AdamOptions> = {
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
    decoupled: options.decoupled ?? false,
  };
  checkRange('adam beta1', o.beta1, 0, 1);
  checkRange('adam beta2', o.beta2, 0, 1);
  if (!(o.eps > 0 && Number.isFinite(o.eps))) invalid(`adam eps ${o.eps} must be a positive number`);
  checkNonNegative('adam weightDecay', o.weightDecay);
  const slots = createSlots('adam', o);

  return {
    step(params, grads, lr) {
      checkStep(params, grads, lr, slots, ['m.', 'v.']);
      slots.stepCount++;
      for (const [name, g] of grads) {
        const p = params.get(name) as Float32Array;
        const m = slots.buffer(`m.${name}`, p.length);
        const v = slots.buffer(`v.${name}`, p.length);
        const t = slots.countUpdate(name);
        adamUpdate(p, g, m, v, lr, t, o);
      }
    },
    state: () => slots.snapshot(),
    load: (state) => slots.restore(state),
  };
}

/**
 * Creates SGD with optional (Nesterov) momentum and L2 weight decay, PyTorch's rule:
 * `g ← g + wd·p`; `b ← g` on the first step, else `b ← μ·b + g`; `d ← nesterov ? g + μ·b : b`; `p ← p − lr·d`.
 * @param options - see {@link SgdOptions} for defaults
 * @returns the optimiser
 * @throws AppError INVALID_PARAMETER_VALUE when a hyper-parameter is out of range
 */
export function createSgd(options: SgdOptions = {}): Optimizer {
  const o: Required<SgdOptions> = {
    momentum: options.momentum ?? 0.9,
    nesterov: options.nesterov ?? false,
    weightDecay: options.weightDecay ?? 0,
  };
  checkRange('sgd momentum', o.momentum, 0, 1);
  checkNonNegative('sgd weightDecay', o.weightDecay);
  if (o.nesterov && o.momentum === 0) invalid('sgd nesterov needs momentum > 0');
  const slots = createSlots('sgd', o);

  return {
    step(params, grads, lr) {
      checkStep(params, grads, lr, slots, ['momentum.']);
      slots.stepCount++;
      for (const [name, g] of grads) {
        const p = params.get(name) as Float32Array;
        const first = (slots.paramSteps[name] ?? 0) === 0 || !slots.has(`momentum.${name}`);
        slots.countUpdate(name);
        if (o.momentum === 0) sgdPlainUpdate(p, g, lr, o.weightDecay);
        else sgdMomentumUpdate(p, g, slots.buffer(`momentum.${name}`, p.length), lr, first, o);
      }
    },
    state: () => slots.snapshot(),
    load: (state) => slots.restore(state),
  };
}

function adamUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  t: number,
  o: Required<AdamOptions>,
): void {
  const { beta1, beta2, eps, weightDecay, decoupled } = o;
  const stepSize = lr / (1 - beta1 ** t);
  const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** t);
  const l2 = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = (p[i] as number) * shrink;
    const gi = (g[i] as number) + l2 * pi;
    const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
    const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

function sgdPlainUpdate(p: Float32Array, g: Float32Array, lr: number, weightDecay: number): void {
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    p[i] = pi - lr * ((g[i] as number) + weightDecay * pi);
  }
}

function sgdMomentumUpdate(
  p: Float32Array,
  g: Float32Array,
  b: Float32Array,
  lr: number,
  first: boolean,
  o: Required<SgdOptions>,
): void {
  const { momentum, nesterov, weightDecay } = o;
  const keep = first ? 0 : momentum;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    const gi = (g[i] as number) + weightDecay * pi;
    const bi = keep * (b[i] as number) + gi;
    b[i] = bi;
    p[i] = pi - lr * (nesterov ? gi + momentum * bi : bi);
  }
}

type Slots = {
  stepCount: number;
  paramSteps: Record<string, number>;
  has(key: string): boolean;
  buffer(key: string, length: number): Float32Array;
  checkBuffer(key: string, length: number): void;
  countUpdate(name: string): number;
  snapshot(): OptimizerState;
  restore(state: OptimizerState): void;
};

function createSlots(kind: OptimizerState['kind'], options: OptimizerState['options']): Slots {
  let buffers = new Map<string, Float32Array>();
  const slots: Slots = {
    stepCount: 0,
    paramSteps: {},
    has: (key) => buffers.has(key),
    buffer(key, length) {
      const existing = buffers.get(key);
      if (existing === undefined) {
        const created = new Float32Array(length);
        buffers.set(key, created);
        return created;
      }
      slots.checkBuffer(key, length);
      return existing;
    },
    checkBuffer(key, length) {
      const existing = buffers.get(key);
      if (existing !== undefined && existing.length !== length)
        invalid(`optimizer buffer ${key} has ${existing.length} values but the parameter has ${length}`);
    },
    countUpdate(name) {
      const t = (slots.paramSteps[name] ?? 0) + 1;
      slots.paramSteps[name] = t;
      return t;
    },
    snapshot: () => ({
      kind,
      options: { ...options },
      stepCount: slots.stepCount,
      paramSteps: { ...slots.paramSteps },
      buffers: new Map([...buffers].map(([k, b]) => [k, b.slice()])),
    }),
    restore(state) {
      checkState(kind, state);
      slots.stepCount = state.stepCount;
      slots.paramSteps = { ...state.paramSteps };
      buffers = new Map([...state.buffers].map(([k, b]) => [k, b.slice()]));
    },
  };
  return slots;
}

function checkState(kind: OptimizerState['kind'], state: OptimizerState): void {
  if (state.kind !== kind)
    invalid(`optimizer state of kind ${String(state.kind)} cannot be loaded into ${kind}`);
  if (!Number.isSafeInteger(state.stepCount) || state.stepCount < 0)
    invalid(`optimizer state stepCount ${state.stepCount} is not a non-negative integer`);
  for (const [name, t] of Object.entries(state.paramSteps)) {
    if (!Number.isSafeInteger(t) || t < 0) invalid(`optimizer state paramSteps.${name} ${t} is not a count`);
  }
  const prefixes = kind === 'adam' ? ['m.', 'v.'] : ['momentum.'];
  for (const key of state.buffers.keys()) {
    if (!prefixes.some((prefix) => key.startsWith(prefix)))
      invalid(`optimizer state buffer ${key} is not a ${kind} buffer (${prefixes.join(' or ')}<param>)`);
  }
}

/** Validates a whole step before any parameter changes, so a rejected step leaves everything as it was. */
function checkStep(
  params: Map<string, Float32Array>,
  grads: Map<string, Float32Array>,
  lr: number,
  slots: Slots,
  prefixes: readonly string[],
): void {
  if (!(Number.isFinite(lr) && lr >= 0)) invalid(`learning rate ${lr} must be a finite number >= 0`);
  for (const [name, g] of grads) {
    const p = params.get(name);
    if (p === undefined) return invalid(`gradient ${name} has no matching parameter`);
    if (p.length !== g.length)
      invalid(`gradient ${name} has ${g.length} values but the parameter has ${p.length}`);
    for (const prefix of prefixes) slots.checkBuffer(`${prefix}${name}`, p.length);
  }
}

function checkRange(what: string, value: number, min: number, maxExclusive: number): void {
  if (!(value >= min && value < maxExclusive))
    invalid(`${what} ${value} must be in [${min}, ${maxExclusive})`);
}

function checkNonNegative(what: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) invalid(`${what} ${value} must be a finite number >= 0`);
}
