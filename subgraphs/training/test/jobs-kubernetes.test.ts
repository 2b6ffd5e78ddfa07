/**
 * Training jobs on the kubernetes backend through the whole platform: GraphQL, the queue, the worker,
 * the log stream and the reconcile loop, with the cluster found through TRAINING_KUBERNETES and a
 * kubeconfig file. No cluster runs here: the cluster is a fake API server speaking the Kubernetes REST
 * protocol, and the test plays the kubelet (pod phases, container states, logs).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { pack } from 'tar-stream';
import { IDENTITY_HEADER, signIdentity } from '@aitip/kit';
import { FETCH_CONTAINER, MAIN_CONTAINER } from '../src/executors/kubernetes-manifests.js';
import { executionName } from '../src/jobs/execution-plan.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from './fixtures/fake-kube-api.js';
import {
  job,
  logLines,
  member,
  startTraining,
  startWorkerProcess,
  statusesUntilEnd,
  submit,
  waitForStatus,
  uploadDatasetVersion,
  type TrainingHarness,
} from './support.js';

const NAMESPACE = 'ml-jobs';
const PLURALS = ['jobs', 'services', 'networkpolicies', 'pods'];
/** A valid kubeconfig of a cluster that is not there. */
const KUBECONFIG_ELSEWHERE = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'elsewhere', cluster: { server: 'https://127.0.0.1:1' } }],
  users: [{ name: 'elsewhere', user: { token: 'unused' } }],
  contexts: [{ name: 'elsewhere', context: { cluster: 'elsewhere', user: 'elsewhere' } }],
  'current-context': 'elsewhere',
};

const clusterJob = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  backend: 'kubernetes',
  image: 'aitip/pytorch:1',
  command: ['python3', 'train.py'],
  ...extra,
});

/** A fake cluster with a CPU node and a GPU node, and a kubeconfig file pointing at it. */
async function startCluster(dir: string): Promise<{ fake: FakeKubeApi; kubeconfig: string }> {
  const fake = await startFakeKubeApi({ namespaces: [NAMESPACE] });
  fake.addNode('cpu-1', { cpu: '8', memory: '32Gi', pods: '110' });
  fake.addNode(
    'gpu-1',
    { cpu: '16', memory: '64Gi', 'nvidia.com/gpu': '2', pods: '110' },
    { 'nvidia.com/gpu.product': 'nvidia-a100' },
  );
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, fake.kubeconfigText());
  return { fake, kubeconfig };
}

/** The settings that send kubernetes-backend jobs to the cluster of `kubeconfig`. */
const clusterSettings = (kubeconfig: string): Record<string, string> => ({
  TRAINING_KUBERNETES: 'true',
  KUBECONFIG: kubeconfig,
  TRAINING_KUBERNETES_NAMESPACE: NAMESPACE,
  TRAINING_KUBERNETES_POLL_MILLISECONDS: '50',
  TRAINING_KUBERNETES_FETCH_EGRESS: '10.0.3.7/32:9000',
});

/** The objects of a job in the fake cluster, by plural. */
function objectsOf(fake: FakeKubeApi, jobId: string): Record<string, KubeObject[]> {
  return Object.fromEntries(
    PLURALS.map((plural) => [
      plural,
      fake.objects(plural, NAMESPACE).filter((object) => object.metadata.labels?.['aitip.dev/job'] === jobId),
    ]),
  );
}

/** The pod names of a job's `workers` workers, by rank, once the fake Job controller made them. */
async function podsOf(fake: FakeKubeApi, jobId: string, workers: number): Promise<string[]> {
  const pods = await fake.waitFor(() => {
    const found = objectsOf(fake, jobId)['pods']!;
    return found.length === workers && found;
  });
  const rank = (pod: KubeObject) => Number(pod.metadata.annotations?.['batch.kubernetes.io/job-completion-index']);
  return pods.sort((a, b) => rank(a) - rank(b)).map((pod) => pod.metadata.name);
}

/** Starts a pod's containers and waits until the platform follows its log. */
async function runAndFollow(fake: FakeKubeApi, pod: string): Promise<void> {
  fake.runPod(NAMESPACE, pod);
  await fake.waitFor(() => fake.followerCount(NAMESPACE, pod, MAIN_CONTAINER) > 0);
}

describe('training jobs on the kubernetes backend (PostgreSQL, Redis, RabbitMQ, S3; a fake Kubernetes API)', () => {
  let h: TrainingHarness;
  let fake: FakeKubeApi;
  const dir = mkdtempSync(join(tmpdir(), 'aitip-jobs-k8s-'));

  before(async () => {
    const cluster = await startCluster(dir);
    fake = cluster.fake;
    h = await startTraining('real', clusterSettings(cluster.kubeconfig));
  });

  after(async () => {
    await h?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('2 workers run as an indexed Job with the job labels and resources; their logs and metrics arrive; it succeeds and its objects are deleted', async () => {
    const alice = member();
    const submitted = await submit(
      h,
      alice,
      clusterJob('ddp', {
        workers: 2,
        resources: { cpu: 1.5, memoryMiB: 2048, gpus: 1, gpuType: 'nvidia-a100' },
        hyperparameters: [{ name: 'epochs', value: '2' }],
      }),
    );
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const created = submitted.data!['submitTrainingJob'];
    const id: string = created.id;
    const pods = await podsOf(fake, id, 2);
    const objects = objectsOf(fake, id);
    assert.equal(objects['jobs']!.length, 1);
    assert.equal(objects['services']!.length, 1, 'a headless Service for the 2 workers');
    const labels = {
      'aitip.dev/org': alice.orgId,
      'aitip.dev/job': id,
      'aitip.dev/attempt': '1',
      'aitip.dev/managed': 'true',
      'aitip.dev/execution': executionName(id, 1),
    };
    for (const plural of ['jobs', 'services', 'networkpolicies']) {
      assert.deepEqual(objects[plural]![0]!.metadata.labels, labels, plural);
    }
    // without network the pods reach each other, DNS and the destinations of TRAINING_KUBERNETES_FETCH_EGRESS
    const policy = objects['networkpolicies']![0]!.spec!;
    assert.deepEqual(policy['egress'].at(-1), {
      to: [{ ipBlock: { cidr: '10.0.3.7/32' } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    });
    const kubeJob = objects['jobs']![0] as unknown as IJob;
    assert.equal(kubeJob.spec?.completionMode, 'Indexed');
    assert.equal(kubeJob.spec?.completions, 2);
    const pod = kubeJob.spec!.template.spec!;
    const main = pod.containers.find((c) => c.name === MAIN_CONTAINER)!;
    const amounts = { cpu: '1500m', memory: '2048Mi', 'nvidia.com/gpu': '1' };
    assert.deepEqual(main.resources, { requests: amounts, limits: amounts });
    assert.deepEqual(pod.nodeSelector, { 'nvidia.com/gpu.product': 'nvidia-a100' });
    assert.equal(main.image, 'aitip/pytorch:1');
    assert.deepEqual(main.command, ['python3', 'train.py', '--epochs=2']);
    const env = Object.fromEntries((main.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['AITIP_JOB_ID'], id);
    assert.equal(env['MLFLOW_RUN_ID'], created.runId);

    for (const [rank, name] of pods.entries()) {
      await runAndFollow(fake, name);
      fake.appendLog(NAMESPACE, name, MAIN_CONTAINER, `rank ${rank} starting\n`);
      if (rank === 0)
        fake.appendLog(NAMESPACE, name, MAIN_CONTAINER, '@aitip {"metrics": {"loss": 0.25}, "step": 1}\n');
      fake.appendLog(NAMESPACE, name, MAIN_CONTAINER, `rank ${rank} done\n`);
    }
    await waitForStatus(h, alice, id, 'RUNNING');
    for (const name of pods) fake.terminatePod(NAMESPACE, name, 0);

    assert.deepEqual(await statusesUntilEnd(h, alice, id), ['PENDING', 'QUEUED', 'SCHEDULED', 'RUNNING', 'SUCCEEDED']);
    const done = await job(h, alice, id);
    assert.equal(done.attempts[0].outcome, 'succeeded');
    assert.equal(done.attempts[0].logLines, 5);

    type Line = { number: number; rank: number; stream: string; text: string };
    const lines = await logLines<Line>(h, { id, from: 0 }, alice, 5, 'number rank stream text');
    const byRank = (rank: number) => lines.filter((l) => l.rank === rank).map((l) => l.text);
    assert.deepEqual(byRank(0), ['rank 0 starting', '@aitip {"metrics": {"loss": 0.25}, "step": 1}', 'rank 0 done']);
    assert.deepEqual(byRank(1), ['rank 1 starting', 'rank 1 done']);
    assert.ok(lines.every((l) => l.stream === 'stdout'));
    const history = await h.mlflow(`/mlflow/metrics/get-history?run_id=${done.runId}&metric_key=loss`, alice);
    assert.deepEqual(
      history.json.metrics.map((m: { value: number }) => m.value),
      [0.25],
    );

    assert.deepEqual(objectsOf(fake, id), { jobs: [], services: [], networkpolicies: [], pods: [] });
  });

  test('the pods fetch the code archive through the presigned URL their fetch step is given', async () => {
    const alice = member();
    const tar = pack();
    const archive = buffer(tar.pipe(createGzip()));
    tar.entry({ name: 'train.py', mode: 0o644 }, 'print("training")\n');
    tar.finalize();
    const upload = await fetch(`${h.training.url.replace(/\/graphql$/, '')}/rest/code-archives`, {
      method: 'PUT',
      headers: { [IDENTITY_HEADER]: signIdentity(alice, h.test.internalSecret) },
      body: await archive,
    });
    assert.equal(upload.status, 201, await upload.clone().text());
    const { archiveId } = (await upload.json()) as { archiveId: string };

    const submitted = await submit(h, alice, clusterJob('archived', { code: { archiveId } }));
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id: string = submitted.data!['submitTrainingJob'].id;
    const [pod] = await podsOf(fake, id, 1);
    const kubeJob = objectsOf(fake, id)['jobs']![0] as unknown as IJob;
    const fetchStep = kubeJob.spec!.template.spec!.initContainers!.find((c) => c.name === FETCH_CONTAINER)!;
    const url = /wget -q -O \S+ '([^']+)'/.exec(fetchStep.command!.join(' '))?.[1];
    assert.ok(url, fetchStep.command!.join(' '));
    const fetched = await fetch(url);
    assert.equal(fetched.status, 200);
    assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), await archive);

    fake.runPod(NAMESPACE, pod!);
    fake.terminatePod(NAMESPACE, pod!, 0);
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'SUCCEEDED');
  });

  test("the pods fetch a dataset input's files into /data/<name> through the presigned URLs their fetch step is given", async () => {
    const alice = member();
    const files = [
      { path: 'iris.csv', data: Buffer.from('sepal_length,species\n5.1,setosa\n7.0,versicolor\n') },
      { path: 'test/holdout.csv', data: Buffer.from('sepal_length,species\n6.3,virginica\n') },
    ];
    assert.equal(await uploadDatasetVersion(h, alice, 'iris', files), 1);

    const submitted = await submit(h, alice, clusterJob('with-data', { inputs: [{ name: 'iris', dataset: 'iris' }] }));
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id: string = submitted.data!['submitTrainingJob'].id;
    const [pod] = await podsOf(fake, id, 1);
    const kubeJob = objectsOf(fake, id)['jobs']![0] as unknown as IJob;
    const fetchStep = kubeJob.spec!.template.spec!.initContainers!.find((c) => c.name === FETCH_CONTAINER)!;
    const script = fetchStep.command!.join(' ');
    const fetches = [...script.matchAll(/wget -q -O '([^']+)' '([^']+)'/g)].map(([, target, url]) => ({
      target: target!,
      url: url!,
    }));
    assert.deepEqual(
      fetches.map((f) => f.target),
      ['/data/iris/iris.csv', '/data/iris/test/holdout.csv'],
      script,
    );
    for (const [i, { url }] of fetches.entries()) {
      const fetched = await fetch(url);
      assert.equal(fetched.status, 200, url);
      assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), files[i]!.data);
      // the signature is what lets the pod in: without it the blob store refuses
      const parsed = new URL(url);
      assert.ok(parsed.searchParams.get('X-Amz-Signature'), url);
      const unsigned = await fetch(`${parsed.origin}${parsed.pathname}`);
      assert.equal(unsigned.ok, false, `an unsigned GET answered ${unsigned.status}: ${await unsigned.text()}`);
    }

    fake.runPod(NAMESPACE, pod!);
    fake.terminatePod(NAMESPACE, pod!, 0);
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'SUCCEEDED');
    const main = kubeJob.spec!.template.spec!.containers.find((c) => c.name === MAIN_CONTAINER)!;
    const env = Object.fromEntries((main.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env['AITIP_DATA_DIR'], '/data');
    const data = main.volumeMounts?.find((m) => m.mountPath === '/data');
    assert.equal(data?.readOnly, true, 'the job reads its inputs, it cannot change them');
  });

  test('cancel deletes the Job and its pods, and the job ends CANCELLED', async () => {
    const alice = member();
    const submitted = await submit(h, alice, clusterJob('endless'));
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id: string = submitted.data!['submitTrainingJob'].id;
    const [pod] = await podsOf(fake, id, 1);
    await runAndFollow(fake, pod!);
    fake.appendLog(NAMESPACE, pod!, MAIN_CONTAINER, 'epoch 1\n');
    await waitForStatus(h, alice, id, 'RUNNING');

    const cancelled = await h.ok(
      `mutation($id: ID!) { cancelTrainingJob(id: $id) { id cancelRequested } }`,
      { id },
      alice,
    );
    assert.equal(cancelled['cancelTrainingJob'].cancelRequested, true);
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'CANCELLED');
    const done = await job(h, alice, id);
    assert.equal(done.attempts[0].outcome, 'cancelled');
    assert.deepEqual(objectsOf(fake, id), { jobs: [], services: [], networkpolicies: [], pods: [] });
    const deletes = fake.requests.filter(
      (r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${executionName(id, 1)}`),
    );
    assert.ok(deletes.length > 0, 'the Job was deleted through the API');
  });

  test('what no node can run is refused at submission with what to do', async () => {
    const bob = member();
    const tooBig = await submit(h, bob, clusterJob('huge', { resources: { cpu: 64, memoryMiB: 1024 } }));
    assert.equal(tooBig.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
    assert.match(
      tooBig.errors?.[0]?.message ?? '',
      /each worker asks for 64 CPUs, 1024 MiB of memory and 0 GPUs, more than any node can give: the largest node, gpu-1, has 16 CPUs/,
    );
    assert.match(tooBig.errors?.[0]?.message ?? '', /lower resources/);

    const tooManyGpus = await submit(h, bob, clusterJob('gpus', { resources: { gpus: 4 } }));
    assert.match(tooManyGpus.errors?.[0]?.message ?? '', /4 GPUs, more than any node can give/);

    const gpuType = await submit(h, bob, clusterJob('h100', { resources: { gpus: 1, gpuType: 'nvidia-h100' } }));
    assert.match(gpuType.errors?.[0]?.message ?? '', /no node has GPU type nvidia-h100 .*choose one of nvidia-a100/);

    const listed = await h.ok(`{ trainingJobs { nodes { id } } }`, {}, bob);
    assert.deepEqual(listed['trainingJobs'].nodes, [], 'nothing refused was stored');
    const created = fake.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes(bob.orgId!));
    assert.deepEqual(created, [], 'nothing refused reached the cluster');
  });
});

describe('a worker that dies while its job runs on Kubernetes (PostgreSQL, Redis, RabbitMQ; a fake Kubernetes API)', () => {
  let h: TrainingHarness;
  let fake: FakeKubeApi;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'aitip-jobs-k8s-lost-'));

  before(async () => {
    const cluster = await startCluster(dir);
    fake = cluster.fake;
    // this process runs no worker, only the reconcile loop, which gives up on an attempt after 3 s of silence
    h = await startTraining('real', {
      ...clusterSettings(cluster.kubeconfig),
      TRAINING_WORKER: 'false',
      TRAINING_STALE_SECONDS: '3',
      TRAINING_RECONCILE_SECONDS: '1',
    });
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the reconcile loop fails the lost attempt and deletes what it left running in the cluster', async () => {
    const alice = member();
    const worker = await startWorkerProcess(h);
    children.push(worker);
    const submitted = await submit(h, alice, clusterJob('orphan', { maxRetries: 0 }));
    assert.equal(submitted.errors, undefined, JSON.stringify(submitted.errors));
    const id: string = submitted.data!['submitTrainingJob'].id;
    const [pod] = await podsOf(fake, id, 1);
    await runAndFollow(fake, pod!);
    await waitForStatus(h, alice, id, 'RUNNING');

    worker.kill('SIGKILL');
    await once(worker, 'exit');
    assert.equal(objectsOf(fake, id)['jobs']!.length, 1, 'the Job outlives its worker');
    assert.equal((await statusesUntilEnd(h, alice, id)).at(-1), 'FAILED');
    const lost = await job(h, alice, id);
    assert.equal(lost.attempts[0].outcome, 'lost');
    assert.deepEqual(objectsOf(fake, id), { jobs: [], services: [], networkpolicies: [], pods: [] });
  });
});

describe('the kubernetes backend without a cluster configured (PostgreSQL, Redis, RabbitMQ)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aitip-jobs-k8s-none-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The message submitting a kubernetes-backend job gets from a platform started with `env`. */
  async function refusal(env: Record<string, string>): Promise<string> {
    const h = await startTraining('real', env);
    try {
      const bob = member();
      const answer = await submit(h, bob, clusterJob('nowhere'));
      assert.equal(answer.errors?.[0]?.extensions?.['code'], 'BAD_USER_INPUT');
      const listed = await h.ok(`{ trainingJobs { nodes { id } } }`, {}, bob);
      assert.deepEqual(listed['trainingJobs'].nodes, [], 'nothing refused was stored');
      return answer.errors![0]!.message;
    } finally {
      await h.close();
    }
  }

  test('backend kubernetes is refused at submission with the settings to make', async () => {
    // a kubeconfig lying around does not switch the backend on
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify(KUBECONFIG_ELSEWHERE));
    assert.match(
      await refusal({ KUBECONFIG: kubeconfig }),
      /no Kubernetes cluster is configured for this platform; use backend local or docker, or ask an administrator to set TRAINING_KUBERNETES=true and KUBECONFIG/,
    );
    assert.match(
      await refusal({ TRAINING_KUBERNETES: 'true' }),
      /the kubernetes backend needs a cluster: set KUBECONFIG to a kubeconfig file/,
    );
    const missing = join(dir, 'no-such-kubeconfig');
    assert.match(
      await refusal({ TRAINING_KUBERNETES: 'true', KUBECONFIG: missing }),
      new RegExp(`KUBECONFIG names ${missing}, which does not exist`),
    );
  });
});
