/** A domain page of the shell that is planned but not built yet. */
export interface PlannedDomainPage {
  path: string;
  title: string;
  /** Subgraph that will back the page. */
  subgraph: string;
  /** What the page will let a user do, in one sentence. */
  purpose: string;
}

/** Path of the Status page, which is also what `/` shows. */
export const STATUS_PATH = '/status';

/** Path of the separate GraphiQL page (a full page load, not a shell route). */
export const PLAYGROUND_PATH = '/playground';

/** Domain pages in navigation order, after Status. */
export const PLANNED_DOMAIN_PAGES: readonly PlannedDomainPage[] = [
  {
    path: '/datasets',
    title: 'Datasets',
    subgraph: 'datasets',
    purpose: 'Upload datasets, browse their versions and inspect samples.',
  },
  {
    path: '/training',
    title: 'Training',
    subgraph: 'training',
    purpose: 'Launch training jobs and follow their progress, logs and checkpoints.',
  },
  {
    path: '/experiments',
    title: 'Experiments',
    subgraph: 'experiments',
    purpose: 'Compare runs side by side by their parameters and metrics.',
  },
  {
    path: '/models',
    title: 'Models',
    subgraph: 'releases',
    purpose: 'Browse model versions and promote them through release stages.',
  },
  {
    path: '/deployments',
    title: 'Deployments',
    subgraph: 'inference',
    purpose: 'Deploy model versions for inference and watch their endpoints.',
  },
  {
    path: '/tests',
    title: 'Tests',
    subgraph: 'tests',
    purpose: 'Run evaluation suites against model versions and read their reports.',
  },
  {
    path: '/simulation',
    title: 'Simulation',
    subgraph: 'simulation',
    purpose: 'Run simulated environments and scenarios against models.',
  },
  {
    path: '/scheduler',
    title: 'Scheduler',
    subgraph: 'scheduler',
    purpose: 'See queued and running work and schedule recurring jobs.',
  },
  {
    path: '/resources',
    title: 'Resources',
    subgraph: 'resources',
    purpose: 'See compute resources, their capacity and what is using them.',
  },
  {
    path: '/agent',
    title: 'Agent',
    subgraph: 'agent',
    purpose: 'Ask the platform agent to carry out tasks across the other domains.',
  },
];
