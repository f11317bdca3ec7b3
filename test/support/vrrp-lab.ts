/**
 * @module Helpers for VRRP tests in a network lab (netns-lab.ts): desired-state documents for a
 * director, fleetlb agents started in host namespaces with their JSON log parsed as it arrives,
 * and waits on what the logs and the kernel say.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { DesiredStateInput } from '../../contract/desired-state.js';
import type { VrrpInstanceSpecInput } from '../../contract/vrrp-instance.js';
import { prioritize, type NetnsLab } from './netns-lab.js';

const AGENT_BIN = new URL('../../agent/bin/fleetlb-agent.js', import.meta.url).pathname;

export type LabInstance = Omit<VrrpInstanceSpecInput, 'members' | 'labels'> & {
  priority: number;
  unicastSource?: string;
  unicastPeers?: string[];
};

/** A desired-state document for one director. */
export function desiredDocument(
  director: string,
  address: string,
  instances: readonly LabInstance[],
): DesiredStateInput {
  return {
    apiVersion: 'fleetlb/v1',
    kind: 'DirectorConfig',
    site: 'lab',
    director: { name: director, address },
    revision: 1,
    vrrpInstances: instances.map((i) => ({ ...i })),
    virtualServers: [],
  };
}

export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  instance?: string;
  from?: string;
  to?: string;
  reason?: string;
  wallMs?: number;
  [key: string]: unknown;
}

/** A running fleetlb agent in a lab host, with its log lines collected. */
export class LabAgent {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  private waiters: Array<() => void> = [];

  constructor(
    readonly host: string,
    readonly process: ChildProcess,
  ) {
    prioritize(process.pid);
    createInterface({ input: process.stdout! }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.stderr.push(text);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    createInterface({ input: process.stderr! }).on('line', (text) => {
      this.stderr.push(text);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  transitions(instance?: string): LogLine[] {
    return this.lines.filter(
      (l) => l.event === 'transition' && (instance === undefined || l.instance === instance),
    );
  }

  /** The instance's current state per the log ('initialize' before the first transition). */
  state(instance: string): string {
    return this.transitions(instance).at(-1)?.to ?? 'initialize';
  }

  /** Resolves with the first line matching `predicate` (already seen or future). */
  async waitFor(
    predicate: (line: LogLine) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.process.exitCode !== null || this.process.signalCode !== null) {
        throw new Error(`${this.host}: timed out waiting for ${what}; log tail:\n${this.tail()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  waitForState(instance: string, state: string, timeoutMs: number, after = 0): Promise<LogLine> {
    return this.waitFor(
      (l) =>
        l.event === 'transition' &&
        l.instance === instance &&
        l.to === state &&
        (l.wallMs ?? 0) >= after,
      timeoutMs,
      `${instance} → ${state}`,
    );
  }

  tail(n = 15): string {
    return [...this.lines.slice(-n).map((l) => JSON.stringify(l)), ...this.stderr.slice(-n)].join(
      '\n',
    );
  }
}

/** Starts `fleetlb-agent --desired` in `host` with the given document. */
export function startAgent(
  lab: NetnsLab,
  host: string,
  document: DesiredStateInput,
  extraArgs: readonly string[] = [],
): LabAgent {
  const dir = mkdtempSync(join(tmpdir(), `fleetlb-${host}-`));
  const path = join(dir, 'desired.json');
  writeFileSync(path, JSON.stringify(document));
  const argv = [process.execPath, AGENT_BIN, '--desired', path, '--state-dir', dir, ...extraArgs];
  const child = lab.spawn(argv, host);
  return new LabAgent(host, child);
}

/** Polls until `check` holds (or throws after `timeoutMs`). */
export async function eventually(
  check: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
