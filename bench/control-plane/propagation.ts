/**
 * @module Measurement 2: how long a change takes to reach every agent. N simulated agents (each
 * its own director with its own agent token, created through the API) long-poll
 * `GET /v1/agent/config?wait=30` with their current ETag over keep-alive HTTP; the admin PATCHes
 * a real server's weight; each sample is the time from just before the PATCH is sent until one
 * agent has parsed a 200 whose document carries the new weight.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminClient } from './http.js';
import { httpRequest } from './http.js';
import { machineBusyCores, machineCpu } from './report.js';
import { BENCH_RS, BENCH_VS } from './shared.js';

export interface PropagationResult {
  agents: number;
  rounds: number;
  /** One per agent and round, in ms. */
  samplesMs: number[];
  /** One per round, in ms: PATCH sent to its response read. */
  patchMs: number[];
  /** Agents that did not get the change within the round's time limit (not in samplesMs). */
  missed: number;
  /** Responses other than 200/304, and transport errors. */
  errors: number;
  /** From starting the agents until all held their first document, in ms. */
  initialSyncMs: number;
  /** Per recorded round: the PATCH's latency and when the first and the last agent had the change, in ms. */
  perRound: { patchMs: number; firstMs: number; lastMs: number }[];
  /** CPU seconds used by the server and by this process (the agents) over the recorded rounds, and the wall time. */
  cpu: { serverS: number; agentsS: number; wallS: number; machineBusyCores: number };
}

/** The directors and their agent tokens created so far (a later, larger N reuses them). */
export class AgentPool {
  readonly tokens: string[] = [];

  constructor(
    private readonly admin: AdminClient,
    private readonly site: string,
  ) {}

  /** Creates directors `bench-0001…` and their tokens until there are `n`. */
  async grow(n: number, concurrency = 4): Promise<void> {
    const from = this.tokens.length;
    const created: string[] = new Array<string>(n - from);
    let next = from;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const name = `bench-${String(i + 1).padStart(4, '0')}`;
        await this.admin.call('POST', `/v1/sites/${this.site}/directors`, {
          name,
          address: `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        });
        created[i - from] = await this.admin.agentToken(this.site, name);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    this.tokens.push(...created);
  }
}

interface Round {
  weight: number;
  t0: number;
  times: Float64Array; // per agent, NaN until it has the change
  remaining: number;
  done: () => void;
}

interface DesiredDocument {
  revision: number;
  virtualServers: { name: string; realServers: { name: string; weight: number }[] }[];
}

function benchWeight(doc: DesiredDocument): number | undefined {
  return doc.virtualServers
    .find((vs) => vs.name === BENCH_VS)
    ?.realServers.find((rs) => rs.name === BENCH_RS)?.weight;
}

class SimulatedAgent {
  etag: string | undefined;
  weight: number | undefined;
  /** When the request now in flight was written (undefined while none is). */
  sentAt: number | undefined;

  constructor(
    readonly index: number,
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Long-polls until `sim.stopped`; each request is bounded by the client timeout. */
  async run(sim: Simulation): Promise<void> {
    while (!sim.stopped) {
      const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
      if (this.etag) headers['if-none-match'] = this.etag;
      this.sentAt = undefined;
      let status: number;
      let text: string;
      let etag: string | undefined;
      try {
        ({
          status,
          text,
          headers: { etag },
        } = await httpRequest(this.url, {
          headers,
          agent: sim.agent,
          timeoutMs: 40_000,
          onSent: () => (this.sentAt = performance.now()),
        }));
      } catch {
        if (sim.stopped) break;
        sim.errors++;
        await sleep(100);
        continue;
      }
      this.sentAt = undefined;
      if (status === 200) {
        const doc = JSON.parse(text) as DesiredDocument;
        const now = performance.now();
        this.etag = etag;
        this.weight = benchWeight(doc);
        sim.received(this, now);
      } else if (status !== 304) {
        sim.errors++;
        await sleep(100);
      }
    }
  }
}

class Simulation {
  stopped = false;
  errors = 0;
  round: Round | undefined;
  readonly agent: http.Agent;
  readonly agents: SimulatedAgent[];
  #loops: Promise<void>[] = [];

  constructor(baseUrl: string, tokens: string[]) {
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: tokens.length + 8,
      maxFreeSockets: tokens.length + 8,
    });
    const url = `${baseUrl}/v1/agent/config?wait=30`;
    this.agents = tokens.map((token, i) => new SimulatedAgent(i, url, token));
  }

  start(): void {
    this.#loops = this.agents.map((a) => a.run(this));
  }

  received(agent: SimulatedAgent, now: number): void {
    const round = this.round;
    if (!round || agent.weight !== round.weight || !Number.isNaN(round.times[agent.index]!)) return;
    round.times[agent.index] = now - round.t0;
    if (--round.remaining === 0) round.done();
  }

  /** Waits (at most `timeoutMs`) until `predicate` holds, checking every 10 ms. */
  async until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) return false;
      await sleep(10);
    }
    return true;
  }

  /** True once every agent's long-poll has been on the wire for `quietMs` (so it is parked). */
  parked(quietMs: number): boolean {
    const before = performance.now() - quietMs;
    return this.agents.every((a) => a.sentAt !== undefined && a.sentAt < before);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.agent.destroy(); // aborts the long-polls in flight
    await Promise.all(this.#loops);
  }
}

/**
 * Starts `tokens.length` agents, waits for their first documents, then runs `warmupRounds`
 * unrecorded and `rounds` recorded changes; each round waits at most `roundTimeoutMs`.
 */
export async function measurePropagation(
  admin: AdminClient,
  site: string,
  tokens: string[],
  options: {
    rounds: number;
    warmupRounds: number;
    roundTimeoutMs: number;
    serverCpuS: () => Promise<number>;
  },
): Promise<PropagationResult> {
  const sim = new Simulation(admin.baseUrl, tokens);
  const result: PropagationResult = {
    agents: tokens.length,
    rounds: options.rounds,
    samplesMs: [],
    patchMs: [],
    missed: 0,
    errors: 0,
    initialSyncMs: 0,
    perRound: [],
    cpu: { serverS: 0, agentsS: 0, wallS: 0, machineBusyCores: 0 },
  };
  const rsPath = `/v1/sites/${site}/virtual-servers/${BENCH_VS}/real-servers/${BENCH_RS}`;
  try {
    let weight = ((await admin.call('GET', rsPath)).json as { weight: number }).weight;
    const started = performance.now();
    sim.start();
    const current = weight;
    if (!(await sim.until(() => sim.agents.every((a) => a.weight === current), 60_000))) {
      throw new Error(`${tokens.length} agents did not all get their first document within 60 s`);
    }
    result.initialSyncMs = performance.now() - started;

    let cpuFrom = { server: 0, agents: process.cpuUsage(), wall: 0, machine: machineCpu() };
    for (let r = 0; r < options.warmupRounds + options.rounds; r++) {
      // Every agent holds the current document and its next long-poll is parked on the server.
      await sim.until(() => sim.parked(200), 10_000);
      if (r === options.warmupRounds) {
        cpuFrom = {
          server: await options.serverCpuS(),
          agents: process.cpuUsage(),
          wall: performance.now(),
          machine: machineCpu(),
        };
      }
      weight++;
      let done!: () => void;
      const allReceived = new Promise<void>((resolve) => (done = resolve));
      const round: Round = {
        weight,
        t0: 0,
        times: new Float64Array(tokens.length).fill(NaN),
        remaining: tokens.length,
        done,
      };
      sim.round = round;
      round.t0 = performance.now();
      await admin.call('PATCH', rsPath, { weight });
      const patchMs = performance.now() - round.t0;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        allReceived,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, options.roundTimeoutMs))),
      ]);
      clearTimeout(timer);
      sim.round = undefined;
      if (r < options.warmupRounds) continue;
      result.patchMs.push(patchMs);
      let [firstMs, lastMs] = [Infinity, 0];
      for (const t of round.times) {
        if (Number.isNaN(t)) result.missed++;
        else {
          result.samplesMs.push(t);
          firstMs = Math.min(firstMs, t);
          lastMs = Math.max(lastMs, t);
        }
      }
      result.perRound.push({ patchMs, firstMs, lastMs });
    }
    const machine = machineBusyCores(cpuFrom.machine);
    const agents = process.cpuUsage(cpuFrom.agents);
    result.cpu = {
      serverS: (await options.serverCpuS()) - cpuFrom.server,
      agentsS: (agents.user + agents.system) / 1e6,
      wallS: (performance.now() - cpuFrom.wall) / 1000,
      machineBusyCores: machine,
    };
  } finally {
    await sim.stop();
    result.errors = sim.errors;
  }
  return result;
}
