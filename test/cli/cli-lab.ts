/**
 * @module A lab for the CLI tests: a real control plane on 127.0.0.1 (PGlite, seeded with the
 * site of test/support/fleet.ts), an admin token file, a contexts file in a temporary HOME, and
 * `run(...)` spawning `control-plane/bin/fleetlb.js` as a subprocess (asynchronously: the
 * control plane runs in this process and must keep answering).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveTestControlPlane, type ServedControlPlane } from '../support/control-plane-http.js';

export const CLI_BIN = fileURLToPath(
  new URL('../../control-plane/bin/fleetlb.js', import.meta.url),
);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
}

/** Runs the CLI with `args` and the given environment only (plus PATH): nothing of the caller's FLEETLB_* leaks in. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(
      Object.entries({ PATH: process.env.PATH, ...env }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: clean,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export interface CliLab {
  served: ServedControlPlane;
  dir: string;
  /** The contexts file the lab's runs use (FLEETLB_CONFIG). */
  configPath: string;
  adminTokenFile: string;
  /** Runs the CLI against the lab's control plane as admin (FLEETLB_URL + FLEETLB_TOKEN_FILE). */
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** Runs the CLI with only HOME, XDG_CONFIG_HOME (inside the lab) and `env`. */
  runBare(args: string[], options?: RunOptions): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startCliLab(): Promise<CliLab> {
  const served = await serveTestControlPlane();
  const dir = await mkdtemp(join(tmpdir(), 'fleetlb-cli-'));
  const adminTokenFile = join(dir, 'admin.token');
  await writeFile(adminTokenFile, `${served.cp.adminToken}\n`, { mode: 0o600 });
  const configPath = join(dir, 'config.json');
  const home = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') };
  const runBare = (args: string[], options: RunOptions = {}) =>
    runCli(args, { ...home, ...options.env }, options.stdin);
  return {
    served,
    dir,
    configPath,
    adminTokenFile,
    runBare,
    run: (args, options = {}) =>
      runBare(args, {
        ...options,
        env: {
          FLEETLB_CONFIG: configPath,
          FLEETLB_URL: served.url,
          FLEETLB_TOKEN_FILE: adminTokenFile,
          ...options.env,
        },
      }),
    async close() {
      await served.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A 127.0.0.1 URL nothing listens on (a port just released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

/** Parses a CLI result's stdout as JSON, with the output in the message when it is not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any field
export function json<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}
