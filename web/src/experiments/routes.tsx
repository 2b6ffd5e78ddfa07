import type { ShellRoute } from '../shell/routes';
import { ComparePage } from './ComparePage';
import { ExperimentPage } from './ExperimentPage';
import { ExperimentsPage } from './ExperimentsPage';
import { experimentsLocation } from './paths';
import { RunPage } from './RunPage';

/** The shell route for an experiments path (`/experiments`, `/experiments/:id`, `/experiments/runs/:id`, `/experiments/compare`), or null. */
export function experimentsRouteFor(path: string): ShellRoute | null {
  const location = experimentsLocation(path);
  if (!location) return null;
  switch (location.page) {
    case 'list':
      return { title: 'Experiments', access: 'organization', render: () => <ExperimentsPage /> };
    case 'experiment':
      return {
        title: 'Experiment',
        access: 'organization',
        render: () => <ExperimentPage key={location.id} experimentId={location.id} />,
      };
    case 'run':
      return { title: 'Run', access: 'organization', render: () => <RunPage key={location.id} runId={location.id} /> };
    case 'compare':
      return {
        title: 'Compare runs',
        access: 'organization',
        render: () => <ComparePage key={window.location.search} />,
      };
  }
}
