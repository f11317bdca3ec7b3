/**
 * @module A fleet in a network lab (netns-lab.ts): the control plane (`fleetlb-control-plane
 * serve`, embedded PGlite) in its own lab host, the `fleetlb` CLI run in that host, agents in
 * control-plane mode in director hosts, and a sampler that reads a site's VRRP view every 100 ms
 * (one JSON line per sample) so that a test can assert what the fleet view never showed.
 */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { NetnsLab } from './netns-lab.js';
import { statusExitCode } from '../../control-plane/cli/commands/status.js';
import { LabAgent } from './vrrp-lab.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CP_BIN = join(ROOT, 'control-plane/bin/fleetlb-control-plane.js');
const CLI_BIN = join(ROOT, 'control-plane/bin/fleetlb.js');
const AGENT_BIN = join(ROOT, 'agent/bin/fleetlb-agent.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One sample of `GET /v1/sites/{site}/vrrp-status`. */
export interface VrrpSample {
  atMs: number;
  site: string;
  revision: number;
  /** The site's directors (`directors-status`), when that read succeeded too. */
  directors?: DirectorRow[];
  instances: {
    name: string;
    masters: string[];
    splitBrain: boolean;
    noMaster: boolean;
    members: { director: string; state: string; superseded: boolean; stale: boolean }[];
  }[];
}

/** One director of `fleetlb status -o json`. */
export interface DirectorRow {
  name: string;
  stale: boolean;
  stopped: boolean;
  behind: boolean;
  conditions: { type: string; object: { kind: string; name: string } }[];
}

export type SiteStatus = Awaited<ReturnType<FleetLab['status']>>;

/**
 * The lab's site as manifests: directors d1 (192.0.2.11, priority 150) and d2 (192.0.2.12,
 * priority 100) sharing VRRP instance `web` (VRID 51 on eth0, `vip`/24), then `extra`.
 */
export function labSiteManifest(site: string, vip: string, extra = ''): string {
  const director = (name: string, address: string) =>
    `---\napiVersion: fleetlb/v1\nkind: Director\nmetadata: { name: ${name}, site: ${site} }\nspec: { address: ${address} }\n`;
  return [
    `apiVersion: fleetlb/v1\nkind: Site\nmetadata: { name: ${site} }\nspec: {}\n`,
    director('d1', '192.0.2.11'),
    director('d2', '192.0.2.12'),
    `---
apiVersion: fleetlb/v1
kind: VrrpInstance
metadata: { name: web, site: ${site} }
spec:
  vrid: 51
  interface: eth0
  vips: [{ address: ${vip}, prefixLength: 24 }]
  members: [{ director: d1, priority: 150 }, { director: d2, priority: 100 }]
`,
    extra,
  ].join('');
}

/** A sampled view as the CLI's status command reads it (the same two API documents). */
const asCliSite = (view: VrrpSample) =>
  view as unknown as Parameters<typeof statusExitCode>[0][number];

/** Collects a child's output; resolves with its exit code. */
async function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

export class FleetLab {
  readonly log: string[] = [];
  readonly samples: VrrpSample[] = [];
  private readonly samplers = new Map<string, ChildProcess>();
  private readonly env: Record<string, string>;

  private constructor(
    private readonly lab: NetnsLab,
    readonly host: string,
    readonly url: string,
    readonly dir: string,
    readonly controlPlane: ChildProcess,
  ) {
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'xdg'),
      FLEETLB_URL: url,
      FLEETLB_TOKEN_FILE: join(dir, 'admin.token'),
    };
  }

  /** Starts the control plane in lab host `host` (already added) on `address`:8080. */
  static async start(lab: NetnsLab, host: string, address: string): Promise<FleetLab> {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlb-fleet-lab-'));
    const url = `http://${address}:8080`;
    const argv = [process.execPath, CP_BIN, 'serve', '--listen', `${address}:8080`];
    const child = lab.spawn([...argv, '--data-dir', join(dir, 'data')], host);
    const fleet = new FleetLab(lab, host, url, dir, child);
    const token = await new Promise<string>((resolve, reject) => {
      const onLine = (line: string) => {
        fleet.log.push(line);
        const match = /^\s+(flb_\S+)$/.exec(line);
        if (match?.[1]) resolve(match[1]);
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('exit', (code) =>
        reject(new Error(`control plane exited (${code}):\n${fleet.log.join('\n')}`)),
      );
    });
    writeFileSync(join(dir, 'admin.token'), `${token}\n`, { mode: 0o600 });
    return fleet;
  }

  /** Runs `fleetlb ARGS` as the admin in the control plane's host; `stdin` as its input. */
  async cli(args: readonly string[], stdin?: string): Promise<CliRun> {
    const child = this.lab.spawn([process.execPath, CLI_BIN, ...args], this.host, {
      env: this.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.end(stdin ?? '');
    return finished(child);
  }

  /** Like `cli` but throws unless it exits 0. */
  async cliOk(args: readonly string[], stdin?: string): Promise<string> {
    const run = await this.cli(args, stdin);
    if (run.code !== 0)
      throw new Error(`fleetlb ${args.join(' ')}: exit ${run.code}\n${run.stderr}${run.stdout}`);
    return run.stdout;
  }

  /** `fleetlb status --site SITE -o json`, parsed, with its exit code. */
  async status(site: string): Promise<{
    code: number | null;
    view: VrrpSample & { directors: DirectorRow[] };
  }> {
    const run = await this.cli(['status', '--site', site, '-o', 'json']);
    if (run.stdout === '') throw new Error(`fleetlb status: exit ${run.code}\n${run.stderr}`);
    return { code: run.code, view: { atMs: Date.now(), ...JSON.parse(run.stdout) } };
  }

  /**
   * Waits until `fleetlb status` shows what `check` wants and returns that status; fails after
   * `timeoutMs`. The waiting is on the site's sampled view (startSampler, the same two API reads
   * the CLI makes, with its exit code from the CLI's own statusExitCode), and only a view that
   * passes is confirmed by running `fleetlb status`, whose answer is what the test gets: one CLI
   * process (a second of CPU) per wait instead of one every 200 ms.
   */
  async statusUntil(
    site: string,
    check: (s: SiteStatus) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<SiteStatus> {
    this.startSampler(site);
    const deadline = Date.now() + timeoutMs;
    let last: SiteStatus | undefined;
    let sinceMs = Date.now();
    while (Date.now() < deadline) {
      const sampled = this.samples.find(
        (s) => s.site === site && s.atMs >= sinceMs && s.directors !== undefined,
      );
      const view = sampled as (VrrpSample & { directors: DirectorRow[] }) | undefined;
      if (view !== undefined) sinceMs = view.atMs + 1;
      if (view !== undefined && check({ code: statusExitCode([asCliSite(view)]), view })) {
        last = await this.status(site);
        if (check(last)) return last;
        sinceMs = last.view.atMs;
      }
      if (view === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last?.view)}`);
  }

  /** Starts `fleetlb-agent` for `director` in its lab host, with an agent token of `site`. */
  async startAgent(
    site: string,
    director: string,
    extraArgs: readonly string[] = [],
    host = director,
  ): Promise<LabAgent> {
    const dir = join(this.dir, director);
    const tokenFile = join(dir, 'token');
    const created = await this.cliOk([
      ...['token', 'create', '--name', `agent-${director}`, '--role', 'agent'],
      ...['--site', site, '--director', director, '-o', 'json'],
    ]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(tokenFile, `${(JSON.parse(created) as { token: string }).token}\n`);
    const argv = [process.execPath, AGENT_BIN, '--control-plane', this.url];
    const options = ['--token-file', tokenFile, '--state-dir', join(dir, 'state')];
    return new LabAgent(host, this.lab.spawn([...argv, ...options, ...extraArgs], host));
  }

  /**
   * Samples the site's VRRP view every 100 ms into `samples`, with its directors' view every
   * fifth time (what statusUntil waits on; each read costs the control plane, which a loaded
   * machine starves), from a small node script in the control plane's host, so the samples keep
   * coming while the test waits on other things. Once per site: a second call returns it.
   */
  startSampler(site: string): ChildProcess {
    const running = this.samplers.get(site);
    if (running) return running;
    const script = `
      const token = require('node:fs').readFileSync(process.env.FLEETLB_TOKEN_FILE, 'utf8').trim();
      const base = process.env.FLEETLB_URL + '/v1/sites/${site}/';
      const get = (path) =>
        fetch(base + path, { headers: { authorization: 'Bearer ' + token } }).then((res) =>
          res.ok ? res.json() : undefined,
        );
      let n = 0;
      const tick = async () => {
        try {
          const withDirectors = n++ % 5 === 0;
          const [vrrp, directors] = await Promise.all([
            get('vrrp-status'),
            withDirectors ? get('directors-status') : undefined,
          ]);
          if (vrrp)
            console.log(JSON.stringify({ atMs: Date.now(), ...vrrp, directors: directors?.directors }));
        } catch {}
        setTimeout(tick, 100);
      };
      tick();`;
    const child = this.lab.spawn([process.execPath, '-e', script], this.host, { env: this.env });
    createInterface({ input: child.stdout! }).on('line', (line) =>
      this.samples.push(JSON.parse(line) as VrrpSample),
    );
    this.samplers.set(site, child);
    return child;
  }
}
