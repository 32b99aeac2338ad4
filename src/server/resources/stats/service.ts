/**
 * @module server/resources/stats/service — the KPIs of the platform: datasets, trainings by phase, model versions by
 * stage, predictions and predicted buildings, feedback and the acceptance rate. Counts only (private resources are
 * counted; nothing about them is shown).
 */

/** The KPI figures. */
export type Stats = {
  datasets: number;
  trainings: { total: number; by_phase: Record<string, number> };
  model_versions: { total: number; by_stage: Record<string, number> };
  predictions: number;
  predicted_features: number;
  feedback: { accepted: number; rejected: number; total: number; acceptance_rate: number | null };
};

/** Where the counts come from. */
export type StatsSources = {
  datasets: () => Promise<number>;
  trainingsByPhase: () => Promise<Record<string, number>>;
  versionsByStage: () => Promise<Record<string, number>>;
  predictions: () => Promise<{ predictions: number; features: number }>;
  verdicts: () => Promise<{ accepted: number; rejected: number }>;
};

/**
 * Reads the KPIs.
 * @param sources - the counters of each resource
 * @returns the figures; `acceptance_rate` is accepted / (accepted + rejected), null without feedback
 */
export async function readStats(sources: StatsSources): Promise<Stats> {
  const [datasets, byPhase, byStage, predictions, verdicts] = await Promise.all([
    sources.datasets(),
    sources.trainingsByPhase(),
    sources.versionsByStage(),
    sources.predictions(),
    sources.verdicts(),
  ]);
  const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
  const judged = verdicts.accepted + verdicts.rejected;
  return {
    datasets,
    trainings: { total: sum(byPhase), by_phase: byPhase },
    model_versions: { total: sum(byStage), by_stage: byStage },
    predictions: predictions.predictions,
    predicted_features: predictions.features,
    feedback: {
      ...verdicts,
      total: judged,
      acceptance_rate: judged === 0 ? null : Math.round((verdicts.accepted / judged) * 10_000) / 10_000,
    },
  };
}
