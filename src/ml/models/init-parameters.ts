/** @module ml/models/init-parameters — seeded initial parameter values (He initialisation) for a network. */
import { sizeOf } from '../graph/index.ts';
import type { Network, ParameterInfo } from '../graph/index.ts';

/** A seeded uniform generator in [0, 1) (mulberry32: small, fast, good enough for initialisation). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box–Muller from a uniform generator (both values of each pair are used). */
function normal(next: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(Math.max(next(), Number.MIN_VALUE)));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function initialValue(p: ParameterInfo, gaussian: () => number): Float32Array {
  const size = sizeOf(p.shape);
  switch (p.kind) {
    case 'weight': {
      // He (Kaiming) normal for ReLU networks: std = √(2 / fan-in).
      const std = Math.sqrt(2 / p.fanIn);
      const values = new Float32Array(size);
      for (let i = 0; i < size; i++) values[i] = gaussian() * std;
      return values;
    }
    case 'bn-scale':
    case 'bn-var':
      return new Float32Array(size).fill(1);
    default:
      return new Float32Array(size);
  }
}

/**
 * Initial values of every parameter: He-normal weights, zero biases, BatchNorm γ = 1, β = 0, running mean 0 and
 * running variance 1. The same seed gives the same values on every platform.
 * @param network - the network
 * @param seed - any integer (its low 32 bits are used)
 * @returns values by parameter name, in declaration order
 */
export function initParameters(network: Network, seed: number): Map<string, Float32Array> {
  const gaussian = normal(uniform(seed));
  return new Map(network.parameters.map((p) => [p.name, initialValue(p, gaussian)] as const));
}
