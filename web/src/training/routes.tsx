import type { ShellRoute } from '../shell/routes';
import { JobPage } from './JobPage';
import { JobsPage } from './JobsPage';
import { NewJobPage } from './NewJobPage';
import { trainingLocation } from './paths';

/** The shell route for a training path (`/training`, `/training/new`, `/training/:id`), or null. */
export function trainingRouteFor(path: string): ShellRoute | null {
  const location = trainingLocation(path);
  if (!location) return null;
  switch (location.page) {
    case 'list':
      return { title: 'Training', access: 'organization', render: () => <JobsPage /> };
    case 'new':
      return { title: 'New training job', access: 'organization', render: () => <NewJobPage /> };
    case 'job':
      return {
        title: 'Training job',
        access: 'organization',
        render: () => <JobPage key={location.id} jobId={location.id} />,
      };
  }
}
