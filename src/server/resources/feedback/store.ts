/**
 * @module server/resources/feedback/store — feedback records: a user's verdict (accepted or rejected) on one
 * predicted building, with the prediction's model version and settings copied in, so KPIs read one table.
 */
import type { Polygonal } from '../../../geo/index.ts';
import type { PageRequest } from '../common/paging.ts';
import type { Viewer } from '../common/viewer.ts';
import type { PredictionConfig } from '../predictions/store.ts';

/** A verdict on a predicted building. */
export type Verdict = 'accepted' | 'rejected';

/** One verdict. */
export type FeedbackRecord = {
  seq: number;
  id: string;
  prediction_id: string;
  /** The feature's id in the prediction's results (its index). */
  feature_id: string;
  verdict: Verdict;
  /** The building as judged (the predicted outline, or the user's correction). */
  geometry: Polygonal | null;
  comment: string;
  model_name: string;
  model_version: number;
  dataset_id: string | null;
  config: PredictionConfig;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
};

/** Filters of feedback lists and counts. */
export type FeedbackFilter = {
  modelName?: string | undefined;
  modelVersion?: number | undefined;
  datasetId?: string | undefined;
  predictionId?: string | undefined;
  verdict?: Verdict | undefined;
};

/** Persistence of feedback. */
export interface FeedbackStore {
  /** Records a verdict; the same user judging the same feature again replaces the earlier verdict. */
  upsertFeedback(row: Omit<FeedbackRecord, 'seq' | 'created_at' | 'updated_at'>): Promise<FeedbackRecord>;
  getFeedback(id: string): Promise<FeedbackRecord | undefined>;
  deleteFeedback(id: string): Promise<boolean>;
  /** Feedback on predictions the viewer may see, newest first, at most `limit + 1`. */
  listFeedback(query: PageRequest & FeedbackFilter & { viewer: Viewer }): Promise<FeedbackRecord[]>;
  /** Verdict counts (all feedback, or what the filter selects among what the viewer may see). */
  countVerdicts(filter?: FeedbackFilter & { viewer?: Viewer }): Promise<Record<Verdict, number>>;
}
