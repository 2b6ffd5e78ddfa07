import type {
  ArtifactEntry,
  DatasetInput,
  ExperimentRecord,
  MetricPoint,
  MetricSummary,
  RunRecord,
  RunWithData,
} from '../tracking/api.js';
import { numberOrText } from '../numbers.js';

/**
 * The JSON MLflow's server writes, built from the tracking service's records. MLflow serializes
 * protobuf messages: snake_case names, times as milliseconds since the epoch (numbers), unset
 * optional fields and empty lists left out, and doubles that are not finite written as the
 * strings "NaN", "Infinity" and "-Infinity".
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** MLflow's tag that holds a run's name; kept equal to the run's name. */
export const RUN_NAME_TAG = 'mlflow.runName';

/** Drops unset fields and empty lists, as protobuf's JSON writer does. */
function message(fields: Record<string, Json | undefined>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[name] = value;
  }
  return out;
}

const millis = (date: Date | null | undefined) => (date ? date.getTime() : undefined);

/** `{key, value}` entries of a string map, MLflow's shape for tags and params. */
export function keyValues(map: Record<string, string>): Json[] {
  return Object.entries(map).map(([key, value]) => ({ key, value }));
}

/** MLflow's Experiment message. */
export function experimentJson(experiment: ExperimentRecord): Json {
  return message({
    experiment_id: experiment.id,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: millis(experiment.updatedAt),
    creation_time: millis(experiment.createdAt),
    tags: keyValues(experiment.tags),
  });
}

/** MLflow's RunInfo message; `run_uuid` repeats `run_id` for older clients. */
export function runInfoJson(run: RunRecord): Json {
  return message({
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name ?? undefined,
    experiment_id: run.experimentId,
    user_id: run.userId ?? '',
    status: run.status,
    start_time: millis(run.startTime),
    end_time: millis(run.endTime),
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  });
}

/** MLflow's Metric message for a run's latest value of a metric. */
export function latestMetricJson(metric: MetricSummary): Json {
  return { key: metric.key, value: numberOrText(metric.value), timestamp: metric.timestamp, step: metric.step };
}

/** MLflow's Metric message for one point of a metric's history. */
export function metricPointJson(key: string, point: MetricPoint): Json {
  return { key, value: numberOrText(point.value), timestamp: point.timestamp, step: point.step };
}

function datasetInputJson(input: DatasetInput): Json {
  return message({
    tags: keyValues(input.tags),
    dataset: message({
      name: input.name,
      digest: input.digest,
      source_type: input.sourceType,
      source: input.source,
      schema: input.schema,
      profile: input.profile,
    }),
  });
}

/** MLflow's Run message: `info`, `data` (latest metrics, params, tags) and `inputs`. */
export function runJson(run: RunWithData): Json {
  const tags = { ...run.tags };
  if (run.name !== null && tags[RUN_NAME_TAG] === undefined) tags[RUN_NAME_TAG] = run.name;
  return {
    info: runInfoJson(run),
    data: message({
      metrics: run.metrics.map(latestMetricJson),
      params: keyValues(run.params),
      tags: keyValues(tags),
    }),
    inputs: message({ dataset_inputs: run.inputs.map(datasetInputJson) }),
  };
}

/** MLflow's FileInfo message; `path` as the caller should see it. */
export function fileInfoJson(entry: ArtifactEntry, path: string): Json {
  return message({ path, is_dir: entry.isDir, file_size: entry.isDir ? undefined : (entry.size ?? undefined) });
}

/** A response message: the given fields without the unset ones (`{}` for MLflow's empty responses). */
export function responseJson(fields: Record<string, Json | undefined> = {}): Json {
  return message(fields);
}
