import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { InputError } from '@aitip/kit';
import type { ExecutionLine } from '../src/executors/executor.js';
import { createKubernetesExecutor, type KubernetesExecutor } from '../src/executors/kubernetes.js';
import { CLUSTER_DNS_EGRESS, renderKubernetesManifests } from '../src/executors/kubernetes-manifests.js';
import type { KubernetesExecutionSpec } from '../src/executors/kubernetes-spec.js';
import { startFakeKubeApi, type FakeKubeApi, type KubeObject } from './fixtures/fake-kube-api.js';

const NAMESPACE = 'aitip-jobs';
const INDEX = 'batch.kubernetes.io/job-completion-index';
let counter = 0;

function attemptSpec(overrides: Partial<KubernetesExecutionSpec> = {}): KubernetesExecutionSpec {
  counter++;
  return {
    name: `aitip-test${counter}-1`,
    labels: { 'aitip.dev/org': 'org-1', 'aitip.dev/job': `job-${counter}`, 'aitip.dev/attempt': '1' },
    image: 'aitip/pytorch:1',
    command: ['python3', 'train.py', '--epochs=3'],
    // RANK here must lose to the backend's own.
    env: { AITIP_JOB_ID: `job-${counter}`, AITIP_ATTEMPT: '1', RANK: '7' },
    workers: 1,
    codeDir: null,
    codeArchiveUrl: 'https://blob.example/code.tar.gz?sig=abc',
    outputDir: '/not-used/output',
    scratchDir: '/not-used/scratch',
    inputs: [{ name: 'iris', files: [{ path: 'iris.csv', url: 'https://blob.example/iris.csv?sig=def' }] }],
    resources: { cpu: 1.5, memoryMiB: 2048 },
    network: false,
    timeoutSeconds: 900,
    ...overrides,
  };
}

/** Collects an attempt's lines and lets a test wait for some. */
class Lines {
  readonly all: ExecutionLine[] = [];
  private waiters: Array<() => void> = [];
  readonly onLine = (line: ExecutionLine): void => {
    this.all.push(line);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  };
  of(rank: number): string[] {
    return this.all.filter((line) => line.rank === rank).map((line) => line.text);
  }
  async until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

// The timeouts only stop a broken executor from hanging the run; nothing here measures speed.
describe('Kubernetes executor against a fake API server', { timeout: 120_000 }, () => {
  let fake: FakeKubeApi;
  let executor: KubernetesExecutor;
  let kubeconfigFile: string;
  const scratch = mkdtempSync(join(tmpdir(), 'aitip-k8s-'));

  before(async () => {
    fake = await startFakeKubeApi({ namespaces: [NAMESPACE] });
    fake.addNode('cpu-1', { cpu: '7910m', memory: '32Gi', pods: '110' });
    fake.addNode(
      'gpu-1',
      { cpu: '16', memory: '64Gi', 'nvidia.com/gpu': '2', pods: '110' },
      { 'nvidia.com/gpu.product': 'nvidia-a100' },
    );
    kubeconfigFile = join(scratch, 'kubeconfig');
    writeFileSync(kubeconfigFile, fake.kubeconfigText());
    executor = await createKubernetesExecutor({
      namespace: NAMESPACE,
      kubeConfig: await fake.kubeConfig(),
      pollIntervalMs: 20,
    });
  });

  after(async () => {
    await fake.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The pods the fake Job controller made for a Job, by rank. */
  async function podsOf(name: string, count: number): Promise<string[]> {
    const pods = await fake.waitFor(() => {
      const found = fake.objects('pods', NAMESPACE).filter((pod) => pod.metadata.labels?.['job-name'] === name);
      return found.length === count && found;
    });
    return pods
      .sort((a, b) => Number(a.metadata.annotations?.[INDEX]) - Number(b.metadata.annotations?.[INDEX]))
      .map((pod) => pod.metadata.name);
  }

  function gone(plural: string, name: string): boolean {
    return !fake.objects(plural, NAMESPACE).some((object) => object.metadata.name === name);
  }

  test('2 workers: a headless Service, a NetworkPolicy and an Indexed Job with resources, labels, security and rendezvous env; cancel deletes them', async () => {
    const spec = attemptSpec({
      workers: 2,
      resources: { cpu: 1.5, memoryMiB: 2048, gpus: 1, gpuType: 'nvidia-a100' },
      graceSeconds: 15,
    });
    const first = fake.requests.length;
    const execution = await executor.start(spec, { onLine: () => undefined });
    const posts = fake.requests.slice(first).filter((request) => request.method === 'POST');
    assert.deepEqual(
      posts.map((request) => request.path),
      [
        `/api/v1/namespaces/${NAMESPACE}/services`,
        `/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies`,
        `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`,
      ],
    );
    const service = posts[0].body as IService;
    const policy = posts[1].body as INetworkPolicy;
    const job = posts[2].body as IJob;
    const labels = { ...spec.labels, 'aitip.dev/managed': 'true', 'aitip.dev/execution': spec.name };
    const selector = { 'aitip.dev/execution': spec.name };
    for (const object of [service, policy, job]) assert.deepEqual(object.metadata?.labels, labels);

    assert.deepEqual(service.spec, {
      clusterIP: 'None',
      selector,
      publishNotReadyAddresses: true,
      ports: [{ name: 'rendezvous', port: 29500, targetPort: 29500, protocol: 'TCP' }],
    });
    assert.deepEqual(policy.spec, {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: selector } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: selector } }] }, CLUSTER_DNS_EGRESS],
    });

    const { template, ...jobSpec } = job.spec!;
    assert.deepEqual(jobSpec, {
      completionMode: 'Indexed',
      completions: 2,
      parallelism: 2,
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      activeDeadlineSeconds: 900,
    });
    assert.deepEqual(template.metadata?.labels, labels);
    const pod = template.spec!;
    assert.equal(pod.subdomain, spec.name);
    assert.equal(pod.restartPolicy, 'Never');
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.terminationGracePeriodSeconds, 15);
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(pod.nodeSelector, { 'nvidia.com/gpu.product': 'nvidia-a100' });
    assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    assert.deepEqual(pod.volumes, [
      { name: 'workspace', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      { name: 'data', emptyDir: {} },
    ]);

    const [main] = pod.containers;
    assert.equal(main.image, 'aitip/pytorch:1');
    assert.deepEqual(main.command, spec.command);
    assert.equal(main.workingDir, '/workspace');
    const amounts = { cpu: '1500m', memory: '2048Mi', 'nvidia.com/gpu': '1' };
    assert.deepEqual(main.resources, { requests: amounts, limits: amounts });
    const containerSecurity = {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    assert.deepEqual(main.securityContext, containerSecurity);
    assert.deepEqual(main.volumeMounts, [
      { name: 'workspace', mountPath: '/workspace' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/data', readOnly: true },
    ]);
    const env = Object.fromEntries((main.env ?? []).map((v) => [v.name, v.value ?? v.valueFrom?.fieldRef?.fieldPath]));
    assert.equal(main.env?.filter((v) => v.name === 'RANK').length, 1);
    assert.deepEqual(env, {
      AITIP_JOB_ID: spec.env.AITIP_JOB_ID,
      AITIP_ATTEMPT: '1',
      AITIP_DATA_DIR: '/data',
      AITIP_OUTPUT_DIR: '/workspace/output',
      MASTER_ADDR: `${spec.name}-0.${spec.name}`,
      MASTER_PORT: '29500',
      WORLD_SIZE: '2',
      RANK: `metadata.annotations['${INDEX}']`,
      LOCAL_RANK: '0',
      LOCAL_WORLD_SIZE: '1',
      GROUP_RANK: `metadata.annotations['${INDEX}']`,
    });

    const [fetch] = pod.initContainers!;
    assert.equal(fetch.image, 'aitip/base:1');
    assert.deepEqual(fetch.securityContext, containerSecurity);
    assert.deepEqual(fetch.resources, {
      requests: { cpu: '1500m', memory: '2048Mi' },
      limits: { cpu: '1500m', memory: '2048Mi' },
    });
    assert.deepEqual(fetch.command?.slice(0, 2), ['sh', '-c']);
    assert.match(
      fetch.command![2],
      /wget -q -O \/tmp\/aitip-code\.tar\.gz 'https:\/\/blob\.example\/code\.tar\.gz\?sig=abc'/,
    );
    assert.match(
      fetch.command![2],
      /wget -q -O '\/data\/iris\/iris\.csv' 'https:\/\/blob\.example\/iris\.csv\?sig=def'/,
    );

    // The fake Job controller made one pod per rank, with the completion index the env reads.
    const podNames = await podsOf(spec.name, 2);
    assert.match(podNames[0], new RegExp(`^${spec.name}-0-[0-9a-f]{5}$`));
    assert.match(podNames[1], new RegExp(`^${spec.name}-1-[0-9a-f]{5}$`));

    const cancelledFrom = fake.requests.length;
    await execution.cancel();
    const result = await execution.done;
    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual(
      result.workers.map((w) => w.rank),
      [0, 1],
    );
    const deletes = fake.requests.slice(cancelledFrom).filter((request) => request.method === 'DELETE');
    assert.deepEqual(
      deletes.map((request) => [request.path, request.query.propagationPolicy]),
      [
        [`/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${spec.name}`, 'Foreground'],
        [`/api/v1/namespaces/${NAMESPACE}/services/${spec.name}`, undefined],
        [`/apis/networking.k8s.io/v1/namespaces/${NAMESPACE}/networkpolicies/${spec.name}`, undefined],
      ],
    );
    for (const plural of ['jobs', 'services', 'networkpolicies', 'pods']) {
      assert.ok(
        fake.objects(plural, NAMESPACE).every((o) => o.metadata.labels?.['aitip.dev/execution'] !== spec.name),
        plural,
      );
    }
  });

  test('streams the logs of 2 workers with their ranks, succeeds when both exit 0, then removes its objects', async () => {
    const spec = attemptSpec({ workers: 2, network: true });
    const lines = new Lines();
    const execution = await executor.start(spec, { onLine: lines.onLine });
    assert.ok(gone('networkpolicies', spec.name), 'a job with network gets no NetworkPolicy');
    const [pod0, pod1] = await podsOf(spec.name, 2);
    fake.runPod(NAMESPACE, pod0);
    fake.runPod(NAMESPACE, pod1);
    // Both logs are followed while the workers run, and lines arrive as they are written.
    await fake.waitFor(
      () => fake.followerCount(NAMESPACE, pod0, 'main') === 1 && fake.followerCount(NAMESPACE, pod1, 'main') === 1,
    );
    fake.appendLog(NAMESPACE, pod0, 'main', 'epoch 1 loss 0.9\n@aitip {"metrics": {"loss": 0.9}}\n');
    fake.appendLog(NAMESPACE, pod1, 'main', 'rank one st');
    fake.appendLog(NAMESPACE, pod1, 'main', 'arted\r\n');
    await lines.until(() => lines.of(0).length === 2 && lines.of(1).length === 1);
    fake.appendLog(NAMESPACE, pod0, 'main', 'done without a newline');
    fake.terminatePod(NAMESPACE, pod0, 0);
    fake.terminatePod(NAMESPACE, pod1, 0);
    const result = await execution.done;
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(result.workers, [
      { rank: 0, exitCode: 0, signal: null, oomKilled: false },
      { rank: 1, exitCode: 0, signal: null, oomKilled: false },
    ]);
    assert.deepEqual(lines.of(0), ['epoch 1 loss 0.9', '@aitip {"metrics": {"loss": 0.9}}', 'done without a newline']);
    assert.deepEqual(lines.of(1), ['rank one started']);
    assert.ok(lines.all.every((line) => line.stream === 'stdout' && line.at > 0));
    const logRequests = fake.requests.filter((r) => r.path.endsWith('/log') && r.query.follow === 'true');
    assert.ok(logRequests.some((r) => r.path.includes(pod0) && r.query.container === 'main'));
    assert.ok(gone('jobs', spec.name) && gone('services', spec.name) && gone('pods', pod0));
  });

  test('a worker exiting non-zero fails the attempt, and the other worker is stopped', async () => {
    const spec = attemptSpec({ workers: 2 });
    const execution = await executor.start(spec, { onLine: () => undefined });
    const [pod0, pod1] = await podsOf(spec.name, 2);
    fake.runPod(NAMESPACE, pod0);
    fake.runPod(NAMESPACE, pod1);
    fake.terminatePod(NAMESPACE, pod1, 3);
    const result = await execution.done;
    assert.equal(result.outcome, 'failed');
    assert.equal(result.message, 'worker 1 exited with code 3');
    assert.equal(result.workers[1].exitCode, 3);
    assert.equal(result.workers[0].exitCode, null);
    const jobDelete = fake.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(`/jobs/${spec.name}`));
    assert.equal(jobDelete?.query.propagationPolicy, 'Background');
    assert.ok(gone('pods', pod0));
  });

  test('a worker killed for memory is an oom outcome with a hint', async () => {
    const spec = attemptSpec({ resources: { cpu: 1, memoryMiB: 64 } });
    const execution = await executor.start(spec, { onLine: () => undefined });
    const [pod] = await podsOf(spec.name, 1);
    fake.runPod(NAMESPACE, pod);
    fake.terminatePod(NAMESPACE, pod, 137, 'OOMKilled');
    const result = await execution.done;
    assert.equal(result.outcome, 'oom');
    assert.match(result.message, /worker 0 ran out of memory \(OOMKilled\) at its limit of 64 MiB/);
    assert.equal(result.hint, 'raise resources.memoryMiB above 64');
    assert.deepEqual(result.workers, [{ rank: 0, exitCode: 137, signal: null, oomKilled: true }]);
  });

  test('an image that does not pull is an infrastructure failure naming the image', async () => {
    const spec = attemptSpec({ image: 'registry.example/missing:1' });
    const execution = await executor.start(spec, { onLine: () => undefined });
    const [pod] = await podsOf(spec.name, 1);
    fake.setPodStatus(NAMESPACE, pod, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'fetch', image: 'aitip/base:1', ready: true, restartCount: 0, state: { terminated: { exitCode: 0 } } },
      ],
      containerStatuses: [
        {
          name: 'main',
          image: 'registry.example/missing:1',
          ready: false,
          restartCount: 0,
          state: {
            waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/missing:1"' },
          },
        },
      ],
    });
    const result = await execution.done;
    assert.equal(result.outcome, 'infrastructure');
    assert.match(result.message, /worker 0 could not pull image "registry\.example\/missing:1" \(ImagePullBackOff/);
    assert.ok(gone('jobs', spec.name));
  });

  test('a fetch step that fails is an infrastructure failure with its last log lines', async () => {
    const spec = attemptSpec();
    const execution = await executor.start(spec, { onLine: () => undefined });
    const [pod] = await podsOf(spec.name, 1);
    fake.appendLog(
      NAMESPACE,
      pod,
      'fetch',
      'fetching iris/iris.csv\nwget: server returned error: HTTP/1.1 403 Forbidden\n',
    );
    fake.setPodStatus(NAMESPACE, pod, {
      phase: 'Failed',
      initContainerStatuses: [
        {
          name: 'fetch',
          image: 'aitip/base:1',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 1, reason: 'Error' } },
        },
      ],
      containerStatuses: [
        {
          name: 'main',
          image: spec.image,
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'PodInitializing' } },
        },
      ],
    });
    const result = await execution.done;
    assert.equal(result.outcome, 'infrastructure');
    assert.match(result.message, /worker 0 could not fetch its code or inputs \(the fetch step exited with code 1\)/);
    assert.match(result.message, /403 Forbidden/);
  });

  test('a Job past its deadline is timed out', async () => {
    const spec = attemptSpec({ timeoutSeconds: 60 });
    const execution = await executor.start(spec, { onLine: () => undefined });
    const [pod] = await podsOf(spec.name, 1);
    fake.runPod(NAMESPACE, pod);
    fake.setStatus('batch/v1', 'jobs', NAMESPACE, spec.name, {
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
        },
      ],
    });
    const result = await execution.done;
    assert.equal(result.outcome, 'timed_out');
    assert.equal(result.message, 'the attempt ran longer than its timeout of 60 seconds');
  });

  test('a second start of the same attempt is refused and leaves the first running', async () => {
    const spec = attemptSpec({ workers: 2 });
    const execution = await executor.start(spec, { onLine: () => undefined });
    await assert.rejects(executor.start(spec, { onLine: () => undefined }), /a Job named .* already exists/);
    assert.ok(!gone('jobs', spec.name) && !gone('services', spec.name) && !gone('networkpolicies', spec.name));
    await execution.cancel();
    assert.equal((await execution.done).outcome, 'cancelled');
  });

  test('running() finds an attempt started by an earlier executor (reconcile), and cleanup() removes it', async () => {
    const spec = attemptSpec({
      workers: 2,
      labels: { 'aitip.dev/org': 'org-reconcile', 'aitip.dev/job': 'job-r', 'aitip.dev/attempt': '2' },
    });
    const execution = await executor.start(spec, { onLine: () => undefined });
    // A new process: the cluster found through KUBECONFIG, no memory of the attempt.
    const restarted = await createKubernetesExecutor({
      namespace: NAMESPACE,
      environment: { KUBECONFIG: kubeconfigFile },
      pollIntervalMs: 20,
    });
    assert.deepEqual(await restarted.running({ 'aitip.dev/org': 'org-reconcile' }), [
      { name: spec.name, labels: { ...spec.labels, 'aitip.dev/managed': 'true', 'aitip.dev/execution': spec.name } },
    ]);
    assert.deepEqual(await restarted.running({ 'aitip.dev/org': 'org-other' }), []);
    await restarted.cleanup(spec.name);
    for (const plural of ['jobs', 'services', 'networkpolicies']) assert.ok(gone(plural, spec.name), plural);
    const result = await execution.done;
    assert.equal(result.outcome, 'infrastructure');
    assert.match(result.message, /deleted outside the platform/);
  });

  test('check() accepts what fits and explains what cannot run', async () => {
    await executor.check(attemptSpec({ resources: { cpu: 12, memoryMiB: 40_000, gpus: 2, gpuType: 'nvidia-a100' } }));
    const isInput = (pattern: RegExp) => (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.match(error.message, pattern);
      return true;
    };
    await assert.rejects(
      executor.check(attemptSpec({ resources: { cpu: 64, memoryMiB: 2048 } })),
      isInput(/more than any node can give: the largest node, gpu-1, has 16 CPUs, 65536 MiB and 2 GPUs allocatable/),
    );
    await assert.rejects(
      executor.check(attemptSpec({ resources: { gpus: 1, gpuType: 'nvidia-h100' } })),
      isInput(/no node has GPU type nvidia-h100 .*choose one of nvidia-a100/),
    );
    await assert.rejects(executor.check(attemptSpec({ image: undefined })), isInput(/set image in the job spec/));
    await assert.rejects(
      executor.check(
        attemptSpec({
          inputs: [{ name: 'iris', files: [{ path: '../../etc/passwd', url: 'https://blob.example/x' }] }],
        }),
      ),
      isInput(/must be a relative path inside the dataset/),
    );
    await assert.rejects(
      executor.check(attemptSpec({ codeArchiveUrl: undefined, codeDir: '/srv/code' })),
      isInput(/cannot read code from a directory on this host/),
    );

    const noCluster = await createKubernetesExecutor({ namespace: NAMESPACE, environment: {} });
    await assert.rejects(
      noCluster.check(attemptSpec()),
      isInput(/the kubernetes backend needs a cluster: set KUBECONFIG/),
    );
    await assert.rejects(noCluster.start(attemptSpec(), { onLine: () => undefined }), isInput(/needs a cluster/));
    const missingFile = join(scratch, 'nowhere', 'config');
    const wrongPath = await createKubernetesExecutor({
      namespace: NAMESPACE,
      environment: { KUBECONFIG: missingFile },
    });
    await assert.rejects(
      wrongPath.check(attemptSpec()),
      isInput(new RegExp(`KUBECONFIG names ${missingFile}, which does not exist`)),
    );

    const stopped = await startFakeKubeApi();
    const unreachableConfig = await stopped.kubeConfig();
    await stopped.close();
    const unreachable = await createKubernetesExecutor({ namespace: NAMESPACE, kubeConfig: unreachableConfig });
    await assert.rejects(
      unreachable.check(attemptSpec()),
      isInput(/the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ did not answer/),
    );

    const badTokenFile = join(scratch, 'bad-token');
    writeFileSync(badTokenFile, fake.kubeconfigText().replace(fake.token, 'not-the-token'));
    const badToken = await createKubernetesExecutor({
      namespace: NAMESPACE,
      environment: { KUBECONFIG: badTokenFile },
    });
    await assert.rejects(badToken.check(attemptSpec()), isInput(/did not accept the kubeconfig's credentials/));
  });

  test('every object sent to the API is valid against the Kubernetes schemas', () => {
    const validators: Record<string, (body: unknown) => void> = {
      Job: (body) => new Job(body as IJob).validate(),
      Service: (body) => new Service(body as IService).validate(),
      NetworkPolicy: (body) => new NetworkPolicy(body as INetworkPolicy).validate(),
    };
    const sent = fake.requests.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    const kinds = new Set<string>();
    for (const request of sent) {
      const kind = (request.body as KubeObject).kind ?? '';
      assert.ok(validators[kind], `no schema check for ${kind} sent to ${request.path}`);
      validators[kind](request.body);
      kinds.add(kind);
    }
    assert.deepEqual([...kinds].sort(), ['Job', 'NetworkPolicy', 'Service']);
    // The check is live: a field of the wrong shape fails it.
    const job = sent.find((r) => (r.body as KubeObject).kind === 'Job')!.body as IJob;
    assert.throws(
      () => new Job({ ...job, spec: { ...job.spec!, completionMode: 'Sometimes' as 'Indexed' } }).validate(),
      /completionMode/,
    );
  });
});

describe('Kubernetes manifests', { timeout: 120_000 }, () => {
  const options = {
    namespace: NAMESPACE,
    initImage: 'aitip/base:1',
    gpuTypeLabel: 'nvidia.com/gpu.product',
    ttlSecondsAfterFinished: 600,
    isolatedEgress: [],
  };

  test('one worker with network: no Service, no NetworkPolicy, MASTER_ADDR localhost, no GPU scheduling', () => {
    const spec = attemptSpec({ network: true, timeoutSeconds: null, resources: {} });
    const { job, service, networkPolicy } = renderKubernetesManifests(spec, options);
    assert.equal(service, null);
    assert.equal(networkPolicy, null);
    new Job(JSON.parse(JSON.stringify(job)) as IJob).validate();
    const pod = job.spec!.template.spec!;
    assert.equal(pod.subdomain, undefined);
    assert.equal(pod.nodeSelector, undefined);
    assert.equal(pod.containers[0].resources, undefined);
    assert.equal(job.spec!.activeDeadlineSeconds, undefined);
    const env = Object.fromEntries((pod.containers[0].env ?? []).map((v) => [v.name, v.value]));
    assert.equal(env.MASTER_ADDR, 'localhost');
    assert.equal(env.WORLD_SIZE, '1');
  });

  test("the fetch step fetches the code archive and input files in aitip/base:1 under the pod's restrictions", async () => {
    const root = mkdtempSync(join(tmpdir(), 'aitip-fetch-'));
    const code = join(root, 'code');
    mkdirSync(join(code, 'pkg'), { recursive: true });
    writeFileSync(join(code, 'train.py'), 'print("training")\n');
    writeFileSync(join(code, 'pkg', 'util.py'), 'RATE = 0.1\n');
    await promisify(execFile)('tar', ['-czf', join(root, 'code.tar.gz'), '-C', code, '.']);
    const served: Record<string, Buffer> = {
      '/code.tar.gz': readFileSync(join(root, 'code.tar.gz')),
      '/iris.csv': Buffer.from('sepal,petal\n5.1,1.4\n'),
      '/notes.txt': Buffer.from("it's a note\n"),
    };
    const server = createServer((request, response) => {
      const body = served[new URL(request.url ?? '/', 'http://x').pathname];
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const runFetch = async (spec: KubernetesExecutionSpec) => {
        const fetch = renderKubernetesManifests(spec, options).job.spec!.template.spec!.initContainers![0];
        const volumes = join(root, spec.name);
        const mounts = (fetch.volumeMounts ?? []).flatMap((mount) => {
          const dir = join(volumes, mount.name);
          mkdirSync(dir, { recursive: true });
          chownSync(dir, 1000, 1000);
          return ['-v', `${dir}:${mount.mountPath}`];
        });
        // The pod's security context as Docker flags; host directories stand in for the emptyDirs.
        const args = ['run', '--rm', '--network', 'host', '--read-only', '--user', '1000:1000', '--cap-drop', 'ALL'];
        args.push(
          '--security-opt',
          'no-new-privileges',
          ...mounts,
          '-w',
          fetch.workingDir!,
          fetch.image!,
          ...fetch.command!,
        );
        const run = await promisify(execFile)('docker', args).then(
          () => ({ failed: false, stderr: '' }),
          (error: { stderr?: string }) => ({ failed: true, stderr: error.stderr ?? String(error) }),
        );
        return { ...run, volumes };
      };

      const good = await runFetch(
        attemptSpec({
          codeArchiveUrl: `${base}/code.tar.gz?sig=it's`,
          inputs: [
            {
              name: 'iris',
              files: [
                { path: 'iris.csv', url: `${base}/iris.csv?X-Amz-Signature=a&b=c` },
                { path: 'extra/notes.txt', url: `${base}/notes.txt` },
              ],
            },
            { name: 'empty', files: [] },
          ],
        }),
      );
      assert.equal(good.failed, false, good.stderr);
      assert.equal(readFileSync(join(good.volumes, 'workspace', 'train.py'), 'utf8'), 'print("training")\n');
      assert.equal(readFileSync(join(good.volumes, 'workspace', 'pkg', 'util.py'), 'utf8'), 'RATE = 0.1\n');
      assert.ok(statSync(join(good.volumes, 'workspace', 'output')).isDirectory());
      assert.equal(readFileSync(join(good.volumes, 'data', 'iris', 'iris.csv'), 'utf8'), 'sepal,petal\n5.1,1.4\n');
      assert.equal(readFileSync(join(good.volumes, 'data', 'iris', 'extra', 'notes.txt'), 'utf8'), "it's a note\n");
      assert.ok(statSync(join(good.volumes, 'data', 'empty')).isDirectory());
      assert.deepEqual(readdirSync(join(good.volumes, 'tmp')), [], 'the archive is removed once extracted');

      const missing = await runFetch(
        attemptSpec({
          codeArchiveUrl: undefined,
          inputs: [{ name: 'x', files: [{ path: 'a', url: `${base}/absent` }] }],
        }),
      );
      assert.equal(missing.failed, true);
      assert.match(missing.stderr, /404/);
    } finally {
      server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
