import type { SubgraphDependencies } from '@aitip/kit';
import { experimentsSettingsSchema, type ExperimentsSettings } from '../settings.js';
import { experimentService, type ExperimentService } from '../experiments/experiment.service.js';
import { runService, type RunService } from '../runs/run.service.js';
import { metricService } from '../metrics/metric.service.js';
import { artifactService, type ArtifactService } from '../artifacts/artifact.service.js';
import type { TrackingService } from './api.js';
import { LiveFeeds } from './live.js';

/**
 * The tracking service with the reads the GraphQL API needs besides MLflow's operations (several
 * objects at once for reference resolvers, key lists, artifact listings with URLs).
 */
export type Tracking = TrackingService & ExperimentService & RunService & ArtifactService;

/**
 * The implementation of `TrackingService` over the subgraph's database, the platform's blob store
 * (artifacts) and bus (the live streams subscriptions read). Stateless: the GraphQL schema and the
 * MLflow routes may each make their own.
 */
export function createTrackingService(
  deps: Pick<SubgraphDependencies, 'db' | 'resources' | 'logger' | 'settings'>,
): Tracking {
  const settings = experimentsSettingsSchema.parse(deps.settings) as ExperimentsSettings;
  const ctx = {
    db: deps.db,
    blob: deps.resources.blob,
    live: new LiveFeeds(deps.resources.bus, settings, deps.logger),
    settings,
    log: deps.logger,
  };
  return {
    ...experimentService(ctx),
    ...runService(ctx),
    ...metricService(ctx),
    ...artifactService(ctx),
  };
}
