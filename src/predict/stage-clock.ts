/** @module predict/stage-clock — wall time spent in each stage of the prediction pipeline, for the summary and bench. */

/** The stages of a prediction, in pipeline order. */
export const PREDICT_STAGES = [
  'fetch',
  'prepare',
  'infer',
  'stitch',
  'polygonize',
  'postprocess',
  'conflate',
  'write',
] as const;

/** One stage of {@link PREDICT_STAGES}. */
export type PredictStage = (typeof PREDICT_STAGES)[number];

/** Milliseconds per stage. `fetch` counts only the time the pipeline waited for tiles (reads ahead overlap the rest). */
export type StageTimes = Record<PredictStage, number>;

/** Adds up the wall time of each stage. */
export class StageClock {
  readonly #ms: StageTimes = {
    fetch: 0,
    prepare: 0,
    infer: 0,
    stitch: 0,
    polygonize: 0,
    postprocess: 0,
    conflate: 0,
    write: 0,
  };

  /**
   * Runs `work` and adds its duration to `stage`.
   * @param stage - the stage
   * @param work - synchronous work
   * @returns what `work` returned
   */
  time<T>(stage: PredictStage, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.#ms[stage] += performance.now() - start;
    }
  }

  /**
   * Awaits `work` and adds its duration to `stage`.
   * @param stage - the stage
   * @param work - asynchronous work
   * @returns what `work` resolved to
   */
  async timeAsync<T>(stage: PredictStage, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.#ms[stage] += performance.now() - start;
    }
  }

  /** Milliseconds per stage, rounded to 0.1 ms. */
  snapshot(): StageTimes {
    const out = { ...this.#ms };
    for (const stage of PREDICT_STAGES) out[stage] = Math.round(out[stage] * 10) / 10;
    return out;
  }
}
