/**
 * deploy/: every YAML file parses; compose.yaml wires the control plane, PostgreSQL, Prometheus
 * and Grafana to files that exist in this repository; Grafana is provisioned with the Prometheus
 * service and the dashboards folder compose mounts; every Kubernetes object is well-formed and in
 * the fleetlb namespace, every container runs as non-root on a read-only root filesystem without
 * privileges, with resources and probes; the Service reaches the Deployment's pods; every health
 * path the probes and the image's HEALTHCHECK use answers 200 on a real control plane, and the
 * HEALTHCHECK command itself exits 0 against it and 1 when nothing answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { serveTestControlPlane, type ServedControlPlane } from '../support/control-plane-http.js';
import { readStages } from './dockerfile.js';
import { REPO } from './rule-files.js';

const DEPLOY = `${REPO}deploy`;
/** Rendered by `npm run dashboards` (dashboards/), not part of these files. */
const GENERATED = `${DEPLOY}/grafana/dashboards`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are free-form YAML
type Doc = any;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (path === GENERATED) return [];
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

function docsOf(path: string): Doc[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());
}

test('every YAML file under deploy/ parses', () => {
  const files = yamlFiles(DEPLOY);
  assert.ok(files.length >= 12, `only ${files.length} YAML files`);
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      assert.deepEqual(doc.errors, [], relative(REPO, file));
      assert.ok(doc.toJS() !== null, `${relative(REPO, file)} has an empty document`);
    }
  }
});

const composeDir = `${DEPLOY}/compose`;
const [compose] = docsOf(`${composeDir}/compose.yaml`);

test('compose: the four services, built and mounted from files of this repository', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), [
    'control-plane',
    'grafana',
    'postgres',
    'prometheus',
  ]);
  const build = compose.services['control-plane'].build;
  const context = resolve(composeDir, build.context);
  assert.equal(context, resolve(REPO));
  assert.ok(existsSync(join(context, build.dockerfile)), build.dockerfile);
  for (const [name, service] of Object.entries<Doc>(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const [source] = String(volume).split(':');
      if (!source!.startsWith('.') && !source!.startsWith('/')) {
        assert.ok(source! in compose.volumes, `${name}: named volume ${source} is declared`);
        continue;
      }
      const path = resolve(composeDir, source!);
      if (path === GENERATED) continue;
      assert.ok(existsSync(path), `${name} mounts ${source}, which does not exist`);
    }
    const dependsOn = service.depends_on ?? [];
    for (const dependency of Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn))
      assert.ok(dependency in compose.services, `${name} depends on ${dependency}`);
  }
});

test('compose: the control plane runs unprivileged on PostgreSQL', () => {
  const cp = compose.services['control-plane'];
  assert.match(cp.user, /^[1-9]\d*:\d+$/);
  assert.equal(cp.read_only, true);
  assert.deepEqual(cp.cap_drop, ['ALL']);
  assert.match(cp.environment.DATABASE_URL, /@postgres:5432\//);
  assert.equal(cp.depends_on.postgres.condition, 'service_healthy');
});

test('compose: Prometheus reads prometheus.yml and the rules from deploy/prometheus', () => {
  const prometheus = compose.services.prometheus;
  const mount = prometheus.volumes.find((v: string) => v.split(':')[1] === '/etc/prometheus');
  assert.equal(resolve(composeDir, mount.split(':')[0]), `${DEPLOY}/prometheus`);
  assert.ok(prometheus.command.includes('--config.file=/etc/prometheus/prometheus.yml'));
  const [config] = docsOf(`${DEPLOY}/prometheus/prometheus.yml`);
  const controlPlaneTargets = config.scrape_configs.flatMap(
    (j: Doc) => j.static_configs?.flatMap((s: Doc) => s.targets) ?? [],
  );
  assert.deepEqual(controlPlaneTargets, ['control-plane:8080']);
  const sd = config.scrape_configs.find((j: Doc) => j.http_sd_configs).http_sd_configs[0];
  assert.equal(new URL(sd.url).host, 'control-plane:8080');
});

test('Grafana: the Prometheus service as datasource, the mounted dashboards folder', () => {
  const grafana = compose.services.grafana;
  const [datasources] = docsOf(`${DEPLOY}/grafana/provisioning/datasources/prometheus.yaml`);
  const [prometheus] = datasources.datasources;
  assert.equal(prometheus.type, 'prometheus');
  assert.equal(new URL(prometheus.url).host, 'prometheus:9090');
  const [dashboards] = docsOf(`${DEPLOY}/grafana/provisioning/dashboards/fleetlb.yaml`);
  const folder = dashboards.providers[0].options.path;
  const mount = grafana.volumes.find((v: string) => v.split(':')[1] === folder);
  assert.ok(mount, `compose mounts nothing on ${folder}`);
  assert.equal(resolve(composeDir, mount.split(':')[0]), GENERATED);
  const provisioning = grafana.volumes.find(
    (v: string) => v.split(':')[1] === '/etc/grafana/provisioning',
  );
  assert.equal(resolve(composeDir, provisioning.split(':')[0]), `${DEPLOY}/grafana/provisioning`);
});

const k8sDir = `${DEPLOY}/kubernetes`;
const manifests = readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => docsOf(join(k8sDir, f)).map((doc) => ({ file: f, doc })));
const ofKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);

test('Kubernetes: Namespace, Secret, Deployment, Service, all in the namespace', () => {
  for (const kind of ['Namespace', 'Secret', 'Deployment', 'Service'])
    assert.equal(ofKind(kind).length, 1, kind);
  const namespace = ofKind('Namespace')[0].metadata.name;
  for (const { file, doc } of manifests) {
    assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, file);
    if (doc.kind !== 'Namespace') assert.equal(doc.metadata.namespace, namespace, file);
  }
  const [kustomization] = docsOf(join(k8sDir, 'kustomization.yaml'));
  for (const resource of kustomization.resources)
    assert.ok(existsSync(join(k8sDir, resource)), resource);
  assert.ok(!kustomization.resources.includes('secret.example.yaml'), 'no example secret');
});

test('Kubernetes: every container non-root, read-only, unprivileged, with resources', () => {
  for (const deployment of ofKind('Deployment')) {
    const pod = deployment.spec.template.spec;
    for (const container of pod.containers) {
      const security = container.securityContext ?? {};
      const nonRoot = security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      assert.equal(nonRoot, true, container.name);
      assert.notEqual(security.runAsUser ?? pod.securityContext?.runAsUser, 0);
      assert.equal(security.readOnlyRootFilesystem, true, container.name);
      assert.equal(security.allowPrivilegeEscalation, false, container.name);
      assert.deepEqual(security.capabilities?.drop, ['ALL'], container.name);
      assert.ok(container.resources?.requests?.memory && container.resources?.limits?.memory);
      for (const probe of ['livenessProbe', 'readinessProbe'])
        assert.ok(container[probe]?.httpGet, `${container.name} ${probe}`);
      for (const ref of container.env ?? []) {
        const secret = ref.valueFrom?.secretKeyRef;
        if (!secret) continue;
        const found = ofKind('Secret').find((s) => s.metadata.name === secret.name);
        assert.ok(found?.stringData?.[secret.key] !== undefined, `${secret.name}/${secret.key}`);
      }
    }
  }
});

test('Kubernetes: the Service selects the pods and targets a container port', () => {
  const [service] = ofKind('Service');
  const [deployment] = ofKind('Deployment');
  const podLabels = deployment.spec.template.metadata.labels;
  for (const [key, value] of Object.entries(service.spec.selector))
    assert.equal(podLabels[key], value, key);
  const ports = deployment.spec.template.spec.containers.flatMap((c: Doc) => c.ports);
  for (const port of service.spec.ports)
    assert.ok(
      ports.some((p: Doc) => p.name === port.targetPort || p.containerPort === port.targetPort),
    );
});

let served: ServedControlPlane | undefined;
before(async () => {
  served = await serveTestControlPlane();
});
after(async () => {
  await served?.close();
});

const healthcheck = readStages(`${DEPLOY}/container/Dockerfile`)
  .at(-1)!
  .instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
/** The HEALTHCHECK's exec form: ["node", "-e", script]. */
const healthcheckCommand = JSON.parse(/\bCMD (\[.*\])$/.exec(healthcheck.args)![1]!) as string[];

test('every health path of the probes and the HEALTHCHECK answers 200', async () => {
  const paths = new Set<string>();
  for (const deployment of ofKind('Deployment')) {
    for (const container of deployment.spec.template.spec.containers) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        if (container[probe]) paths.add(container[probe].httpGet.path);
      }
    }
  }
  paths.add(/(\/\w+)`\)/.exec(healthcheckCommand[2]!)![1]!);
  assert.deepEqual([...paths].sort(), ['/healthz', '/readyz']);
  for (const path of paths) {
    const res = await fetch(`${served!.url}${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.text()}`);
  }
});

test('the HEALTHCHECK command succeeds against a serving control plane, fails without one', async () => {
  const [node, ...args] = healthcheckCommand;
  assert.equal(node, 'node');
  // Asynchronous: the control plane answers from this very process.
  const run = (listen: string) =>
    promisify(execFile)(process.execPath, args, { env: { FLEETLB_LISTEN: listen } }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
  const port = new URL(served!.url).port;
  assert.equal(await run(`0.0.0.0:${port}`), 0);
  assert.equal(await run('0.0.0.0:1'), 1);
});
