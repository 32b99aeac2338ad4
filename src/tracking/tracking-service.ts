/**
 * @module tracking/tracking-service — the tracking service's interface: MLflow's operations on experiments, runs,
 * metrics and artifacts, each throwing AppError with MLflow's error codes.
 */
import type { Readable } from 'node:stream';
import type { Viewer } from '../shared/index.ts';
import type { BlobBody, BlobStore } from '../storage/index.ts';
import type { ArtifactRepository } from './artifacts.ts';
import type {
  Experiment,
  ExperimentTag,
  FileInfo,
  Metric,
  Page,
  Param,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.ts';
import type { TrackingStore } from './store.ts';

/** Id and name of the experiment every tracking database has. */
export const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const;

/** What `createTrackingService` needs. */
export type TrackingServiceOptions = {
  /** Persistence (`openSqlTrackingStore(db)`). */
  store: TrackingStore;
  /** Where artifacts live (keys under `tracking/`). */
  blobs: BlobStore;
  /** URI recorded as the root of artifact locations, default `blobs.uriOf('tracking')`. */
  artifactRoot?: string;
  /** The clock, ms since the epoch, default `Date.now`. */
  now?: () => number;
};

/** Who asks, for the owner rules. */
export type { Viewer };

/**
 * Who asks a write. `viewer` absent: an internal, trusted caller (the training hook, the server's own code), no
 * checks. With a viewer: admins may do everything; experiment writes need its owner or an unowned experiment; run
 * writes need the run's owner, or an unowned run whose experiment the viewer may write.
 */
export type Access = { viewer?: Viewer | undefined };

/** Search paging and ordering, as the REST requests carry them. */
export type SearchOptions = {
  /** Filter string in MLflow's syntax; default none. */
  filter?: string | undefined;
  /** order_by clauses; default MLflow's order. */
  orderBy?: readonly string[] | undefined;
  /** Page size, default 1000, at most 50000. */
  maxResults?: number | undefined;
  /** Token of a previous page. */
  pageToken?: string | undefined;
};

/** Experiment tracking, with MLflow's rules; every method throws AppError with MLflow's error codes. */
export interface TrackingService {
  /** The artifact repository (URIs ↔ blob keys, the proxy's files). */
  readonly artifacts: ArtifactRepository;
  /**
   * Creates an experiment owned by `ownerId`, default `viewer.userId`, else nobody. @returns its id
   * @throws AppError RESOURCE_ALREADY_EXISTS for a taken name; INVALID_PARAMETER_VALUE for a bad name, tag or
   *   an artifact location outside the artifact root
   */
  createExperiment(input: {
    name: string;
    artifactLocation?: string | undefined;
    tags?: ExperimentTag[] | undefined;
    ownerId?: string | undefined;
    viewer?: Viewer | undefined;
  }): Promise<string>;
  /** An experiment in any stage. @throws AppError RESOURCE_DOES_NOT_EXIST */
  getExperiment(experimentId: string): Promise<Experiment>;
  /** An experiment by name. @throws AppError RESOURCE_DOES_NOT_EXIST */
  getExperimentByName(name: string): Promise<Experiment>;
  /** A page of experiments. @throws AppError INVALID_PARAMETER_VALUE for a bad filter, order_by or token */
  searchExperiments(options: SearchOptions & { viewType?: ViewType | undefined }): Promise<Page<Experiment>>;
  /**
   * Renames an active experiment.
   * @throws AppError RESOURCE_DOES_NOT_EXIST, RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE; PERMISSION_DENIED
   *   (see `Access`)
   */
  renameExperiment(experimentId: string, newName: string, access?: Access): Promise<void>;
  /** Soft-deletes an active experiment and its runs. @throws AppError RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED */
  deleteExperiment(experimentId: string, access?: Access): Promise<void>;
  /** Restores a deleted experiment and its runs. @throws AppError RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED */
  restoreExperiment(experimentId: string, access?: Access): Promise<void>;
  /**
   * Sets a tag of an active experiment.
   * @throws AppError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, PERMISSION_DENIED
   */
  setExperimentTag(experimentId: string, key: string, value: string, access?: Access): Promise<void>;
  /**
   * Deletes a tag of an active experiment.
   * @throws AppError RESOURCE_DOES_NOT_EXIST (experiment or tag), PERMISSION_DENIED
   */
  deleteExperimentTag(experimentId: string, key: string, access?: Access): Promise<void>;
  /**
   * Creates a RUNNING run in an active experiment (default: Default), owned by `ownerId`, default `viewer.userId`,
   * else nobody; the viewer needs the right to write the experiment (see `Access`).
   * @throws AppError RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for a bad tag, a deleted experiment, or a
   *   run_name that contradicts the `mlflow.runName` tag; PERMISSION_DENIED
   */
  createRun(input: {
    experimentId?: string | undefined;
    userId?: string | undefined;
    runName?: string | undefined;
    startTime?: number | undefined;
    tags?: RunTag[] | undefined;
    ownerId?: string | undefined;
    viewer?: Viewer | undefined;
  }): Promise<Run>;
  /** A run in any stage. @throws AppError RESOURCE_DOES_NOT_EXIST */
  getRun(runId: string): Promise<Run>;
  /**
   * Updates status, end time or name of an active run. @returns the new info
   * @throws AppError RESOURCE_DOES_NOT_EXIST, INVALID_PARAMETER_VALUE, PERMISSION_DENIED
   */
  updateRun(
    runId: string,
    update: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined },
    access?: Access,
  ): Promise<RunInfo>;
  /** Soft-deletes a run. @throws AppError RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED */
  deleteRun(runId: string, access?: Access): Promise<void>;
  /** Restores a deleted run. @throws AppError RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED */
  restoreRun(runId: string, access?: Access): Promise<void>;
  /**
   * Logs metrics, params and tags to an active run (MLflow's batch limits; ±Infinity stored as ±1.7976931348623157e308
   * as MLflow does; NaN kept).
   * @throws AppError RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for limits, bad entries or a changed param;
   *   PERMISSION_DENIED
   */
  logBatch(
    runId: string,
    batch: { metrics?: Metric[] | undefined; params?: Param[] | undefined; tags?: RunTag[] | undefined },
    access?: Access,
  ): Promise<void>;
  /** Deletes a tag of an active run. @throws AppError RESOURCE_DOES_NOT_EXIST (run or tag), PERMISSION_DENIED */
  deleteTag(runId: string, key: string, access?: Access): Promise<void>;
  /** A metric's history (all of it unless `maxResults`). @throws AppError RESOURCE_DOES_NOT_EXIST */
  getMetricHistory(
    runId: string,
    key: string,
    page?: { maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<Page<Metric>>;
  /** A page of runs of the given experiments. @throws AppError INVALID_PARAMETER_VALUE */
  searchRuns(
    options: SearchOptions & { experimentIds: readonly string[]; runViewType?: ViewType | undefined },
  ): Promise<Page<Run>>;
  /** The direct children of a folder of a run's artifacts. @throws AppError RESOURCE_DOES_NOT_EXIST */
  listArtifacts(runId: string, path?: string): Promise<{ rootUri: string; files: FileInfo[] }>;
  /**
   * Stores a proxied artifact (`<experiment>/<run>/artifacts/<path>`). A viewer other than an admin may write only
   * inside the artifacts of a run it may write.
   * @throws AppError INVALID_PARAMETER_VALUE; PERMISSION_DENIED
   */
  uploadArtifact(artifactPath: string, body: BlobBody, access?: Access): Promise<void>;
  /** Streams a proxied artifact. @throws AppError RESOURCE_DOES_NOT_EXIST */
  downloadArtifact(artifactPath: string): Promise<{ body: Readable; size: number }>;
  /** Lists a folder of the proxy by basename (`''` for the root). */
  listProxiedArtifacts(path: string): Promise<FileInfo[]>;
  /**
   * Deletes a proxied file or folder; a viewer other than an admin only inside the artifacts of a run it may write.
   * @throws AppError INVALID_PARAMETER_VALUE; PERMISSION_DENIED
   */
  deleteArtifact(artifactPath: string, access?: Access): Promise<void>;
}
