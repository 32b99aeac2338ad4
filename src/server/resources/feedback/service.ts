/**
 * @module server/resources/feedback/service — verdicts on predicted buildings: the prediction must be visible to
 * the user and the feature one of its results; the model version, dataset and prediction settings are copied from
 * the prediction (the server's record, not the client's word).
 */
import { randomUUID } from 'node:crypto';
import type { Polygonal } from '../../../geo/index.ts';
import { AppError, invalid } from '../../../shared/index.ts';
import { pageOf } from '../common/paging.ts';
import type { Page, PageRequest } from '../common/paging.ts';
import { assertCanModify } from '../common/viewer.ts';
import type { Viewer } from '../common/viewer.ts';
import type { PredictionService } from '../predictions/service.ts';
import type { FeedbackFilter, FeedbackRecord, FeedbackStore, Verdict } from './store.ts';

/** A verdict as the API takes it. */
export type FeedbackInput = {
  prediction_id: string;
  feature_id: string | number;
  verdict: Verdict;
  /** The building as judged, default the predicted outline. */
  geometry?: Polygonal | undefined;
  comment: string;
};

/** The feedback logic. */
export interface FeedbackService {
  /**
   * Records (or replaces) the user's verdict on a predicted building.
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown prediction; INVALID_PARAMETER_VALUE naming feature_id
   *   when it is not one of the prediction's buildings; CONFLICT while the prediction has no results
   */
  give(viewer: Viewer & { userId: string }, input: FeedbackInput): Promise<FeedbackRecord>;
  get(viewer: Viewer, id: string): Promise<FeedbackRecord>;
  list(
    viewer: Viewer,
    query: PageRequest & FeedbackFilter,
  ): Promise<Page<FeedbackRecord> & { counts: Record<Verdict, number> }>;
  /** Deletes a verdict (its author or an admin). */
  remove(viewer: Viewer, id: string): Promise<void>;
  /** Counts of every verdict. */
  counts(): Promise<Record<Verdict, number>>;
}

/**
 * Creates the feedback service.
 * @param store - the feedback store
 * @param predictions - the prediction service (visibility, results)
 * @returns the service
 */
export function createFeedbackService(store: FeedbackStore, predictions: PredictionService): FeedbackService {
  return {
    async give(viewer, input) {
      const { prediction, collection } = await predictions.results(viewer, input.prediction_id);
      const featureId = String(input.feature_id);
      const feature = /^\d{1,9}$/.test(featureId) ? collection.features[Number(featureId)] : undefined;
      if (feature === undefined)
        invalid(
          `invalid body field feature_id: ${featureId} is not a building of prediction ${prediction.id} (ids 0–${collection.features.length - 1})`,
        );
      return store.upsertFeedback({
        id: randomUUID(),
        prediction_id: prediction.id,
        feature_id: featureId,
        verdict: input.verdict,
        geometry: input.geometry ?? feature.geometry,
        comment: input.comment,
        model_name: prediction.model_name,
        model_version: prediction.model_version,
        dataset_id: prediction.dataset_id,
        config: prediction.config,
        owner_id: viewer.userId,
      });
    },

    async get(viewer, id) {
      const found = await store.getFeedback(id);
      if (found === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `feedback ${id} does not exist`);
      await predictions.get(viewer, found.prediction_id).catch(() => {
        throw new AppError('RESOURCE_DOES_NOT_EXIST', `feedback ${id} does not exist`);
      });
      return found;
    },

    async list(viewer, query) {
      const [rows, counts] = await Promise.all([
        store.listFeedback({ ...query, viewer }),
        store.countVerdicts({ ...query, viewer }),
      ]);
      return { ...pageOf(rows, query.limit, (row) => row), counts };
    },

    async remove(viewer, id) {
      const found = await this.get(viewer, id);
      assertCanModify(viewer, { owner_id: found.owner_id, private: false }, `feedback ${id}`);
      await store.deleteFeedback(id);
    },

    counts() {
      return store.countVerdicts();
    },
  };
}
