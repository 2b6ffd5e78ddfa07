/** The root of a run's artifacts in blob storage; every key starts with the organization. */
export const runArtifactRoot = (orgId: string, experimentId: string, runId: string) =>
  `experiments/${orgId}/${experimentId}/${runId}/artifacts/`;

/** The bus stream of a run's logged metric batches; named by organization so no tenant reads another's. */
export const runMetricsStream = (orgId: string, runId: string) => `experiments:${orgId}:run:${runId}:metrics`;

/** The bus stream of run changes (created, status, name, end) in one experiment. */
export const experimentRunsStream = (orgId: string, experimentId: string) =>
  `experiments:${orgId}:experiment:${experimentId}:runs`;
