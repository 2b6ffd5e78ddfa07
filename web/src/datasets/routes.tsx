import type { ShellRoute } from '../shell/routes';
import { DatasetPage } from './DatasetPage';
import { DatasetsPage } from './DatasetsPage';
import { DatasetVersionPage } from './DatasetVersionPage';
import { datasetsLocation } from './paths';

/** The shell route for a datasets path (`/datasets`, `/datasets/:id`, `/datasets/versions/:id`), or null. */
export function datasetsRouteFor(path: string): ShellRoute | null {
  const location = datasetsLocation(path);
  if (!location) return null;
  switch (location.page) {
    case 'list':
      return { title: 'Datasets', access: 'organization', render: () => <DatasetsPage /> };
    case 'dataset':
      return {
        title: 'Dataset',
        access: 'organization',
        render: () => <DatasetPage key={location.id} datasetId={location.id} />,
      };
    case 'version':
      return {
        title: 'Dataset version',
        access: 'organization',
        render: () => <DatasetVersionPage key={location.id} versionId={location.id} />,
      };
  }
}
