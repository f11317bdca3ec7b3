/**
 * deploy/container/Dockerfile, checked without a Docker daemon: a build stage and a runtime
 * stage; production dependencies only, and everything the control plane imports at run time is
 * one (tsx included); every file the control plane's modules import is in the image (copied, and
 * not left out of the build context by .dockerignore); a numeric non-root USER; the port EXPOSEd
 * is the one FLEETLB_LISTEN sets; a HEALTHCHECK on /healthz; and the image's files, assembled in
 * a temporary directory the way its COPY lines and .dockerignore say, serve the API when started
 * with its ENTRYPOINT and CMD.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { inContext, readIgnore, readStages, type Stage } from './dockerfile.js';
import { freePort } from './free-port.js';
import { REPO } from './rule-files.js';

const stages = readStages(`${REPO}deploy/container/Dockerfile`);
const ignore = readIgnore(`${REPO}.dockerignore`);
const runtime = stages.at(-1)!;
const packageJson = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** Context paths the runtime stage copies (COPY without --from; the last word is the target). */
function copiedFromContext(stage: Stage): string[] {
  return of(stage, 'COPY')
    .filter((args) => !args.startsWith('--from'))
    .flatMap((args) => args.split(/\s+/).slice(0, -1))
    .map((p) => p.replace(/\/$/, ''));
}

const inImage = (path: string) =>
  copiedFromContext(runtime).some((c) => path === c || path.startsWith(`${c}/`)) &&
  inContext(ignore, path);

test('a build stage and a runtime stage, from the same Node 20 image', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  assert.ok(
    stages.every((s) => s.name !== undefined),
    'every stage is named',
  );
  const args = readFileSync(`${REPO}deploy/container/Dockerfile`, 'utf8');
  assert.match(args, /^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  assert.ok(stages.every((s) => s.from === '${NODE_IMAGE}'));
  assert.ok(of(runtime, 'COPY').some((a) => a.startsWith(`--from=${stages[0]!.name} `)));
});

test('production dependencies only, and tsx is one of them', () => {
  assert.ok(stages.some((s) => of(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r))));
  assert.ok(packageJson.dependencies.tsx !== undefined, 'tsx runs the TypeScript at run time');
});

/** Every .ts module under `dir`. */
function modules(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return modules(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Static `import … from '…'`, `export … from '…'`, `import '…'` and dynamic `import('…')`. A
 * static one holds no parentheses: without that rule an `export const` followed by a call such
 * as `option(inv, 'from')` read as an import.
 */
const SPECIFIER =
  /^\s*(?:(?:import|export)\s[^;()]*?from\s*|import\s*)'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm;

test('what the control plane imports is in the image, packages from dependencies', () => {
  const files = [...modules(`${REPO}control-plane`), ...modules(`${REPO}contract`)].filter((f) =>
    inImage(relative(REPO, f)),
  );
  assert.ok(files.length > 50, 'control-plane and contract modules are copied');
  let checked = 0;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2];
      checked += 1;
      if (specifier!.startsWith('.')) {
        const target = relative(REPO, resolve(dirname(file), specifier!)).replace(/\.js$/, '.ts');
        const found = [target, `${target}.ts`].find((t) => existsSync(`${REPO}${t}`)) ?? target;
        assert.ok(inImage(found), `${relative(REPO, file)} imports ${specifier}, not in the image`);
      } else if (!specifier!.startsWith('node:') && !builtinModules.includes(specifier!)) {
        const name = specifier!.startsWith('@')
          ? specifier!.split('/').slice(0, 2).join('/')
          : specifier!.split('/')[0]!;
        assert.ok(
          packageJson.dependencies[name] !== undefined,
          `${relative(REPO, file)} imports ${name}, which npm ci --omit=dev leaves out`,
        );
      }
    }
  }
  assert.ok(checked > 300, `only ${checked} imports found: is SPECIFIER still right?`);
  for (const needed of ['package.json', 'migrations', 'control-plane/bin/fleetlb-control-plane.js'])
    assert.ok(inImage(needed), `${needed} is not in the image`);
});

test('every path the image copies exists and is in the build context', () => {
  for (const stage of stages) {
    for (const path of copiedFromContext(stage)) {
      assert.ok(existsSync(`${REPO}${path}`), `${path} does not exist`);
      assert.ok(inContext(ignore, path), `.dockerignore leaves ${path} out`);
    }
  }
  for (const secret of ['.git', 'node_modules', '.fleetlb', 'deploy/prometheus/secrets', 'test'])
    assert.ok(!inContext(ignore, secret), `${secret} reaches the build context`);
  for (const pattern of ignore) assert.match(pattern, /^(\*|!?[\w./-]+)$/, 'no globs but *');
});

test('runs as a numeric non-root user, serves the port it exposes, checks /healthz', () => {
  const [user] = of(runtime, 'USER');
  assert.match(user ?? '', /^[1-9]\d*(:\d+)?$/, 'USER uid[:gid], not root');
  const env = of(runtime, 'ENV').join(' ');
  const port = /FLEETLB_LISTEN=\S+:(\d+)/.exec(env)?.[1];
  assert.deepEqual(of(runtime, 'EXPOSE'), [port]);
  const [healthcheck] = of(runtime, 'HEALTHCHECK');
  assert.match(healthcheck ?? '', /CMD \["node", "-e", .*\/healthz/);
  const [entrypoint] = of(runtime, 'ENTRYPOINT');
  const script = (JSON.parse(entrypoint!) as string[])[1]!;
  assert.ok(inImage(script) && existsSync(`${REPO}${script}`), script);
});

/** Copies what the runtime stage copies from the context into `root` (.dockerignore applied). */
function assembleImage(root: string): void {
  for (const source of copiedFromContext(runtime)) {
    cpSync(`${REPO}${source}`, join(root, source), {
      recursive: true,
      filter: (path) => {
        const rel = relative(REPO, path);
        return rel === '' || inContext(ignore, rel);
      },
    });
  }
}

// A bound for a server that neither answers nor exits; generous for a loaded 2-core machine.
const SERVE_TIMEOUT_MS = 10 * 60_000;

test(
  'the files of the image are enough to serve: /healthz and /readyz answer',
  { timeout: SERVE_TIMEOUT_MS },
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'fleetlb-image-'));
    let server: ChildProcess | undefined;
    try {
      assembleImage(root);
      assert.ok(!existsSync(join(root, 'contract/fixtures')), '.dockerignore applied');
      // The dependencies: the build stage's npm ci (the import test above checks --omit=dev).
      symlinkSync(`${REPO}node_modules`, join(root, 'node_modules'));
      const port = await freePort();
      const [entry, ...rest] = (JSON.parse(of(runtime, 'ENTRYPOINT')[0]!) as string[]).slice(1);
      const command = JSON.parse(of(runtime, 'CMD')[0]!) as string[];
      server = spawn(process.execPath, [entry!, ...rest, ...command], {
        cwd: root,
        env: {
          FLEETLB_LISTEN: `127.0.0.1:${port}`,
          FLEETLB_DATA_DIR: join(root, 'data'),
          FLEETLB_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      server.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      for (const path of ['/healthz', '/readyz']) {
        const status = await statusWhenUp(`http://127.0.0.1:${port}${path}`, server);
        assert.equal(status, 200, `${path}: ${status ?? 'the server exited'}; stderr: ${stderr}`);
      }
    } finally {
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
      rmSync(root, { recursive: true, force: true, maxRetries: 5 });
    }
  },
);

/**
 * The status of `url` once the server answers there, or undefined if it exits first. No attempt
 * limit: on a loaded machine the first start (PGlite, migrations) has taken over a minute; the
 * test's timeout (SERVE_TIMEOUT_MS) bounds a server that neither answers nor exits.
 */
async function statusWhenUp(url: string, server: ChildProcess): Promise<number | undefined> {
  while (server.exitCode === null && server.signalCode === null) {
    try {
      return (await fetch(url)).status;
    } catch {
      await sleep(500);
    }
  }
  return undefined;
}
