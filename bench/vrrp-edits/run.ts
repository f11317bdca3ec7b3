/**
 * @module The edits benchmark (`npm run bench:edits`; see bench/README.md): on the failover lab
 * (directors d1 and d2, observer obs), an ARP who-has for the VIP every 5 ms from obs while N
 * random edits that keep the instance's identity are applied to both directors (edits.ts), for
 * fleetlb and for keepalived's reload side by side. Reports per implementation and VRRP version:
 * lost probe intervals (nobody answered), dual answers (both did), state transitions, and the
 * time from d1's signal to its first advert on the wire carrying the new priority.
 * Progress goes to stderr; the table and, on its last line, the JSON to stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { masterDownIntervalMs, type VrrpVersion } from '../../agent/core/vrrp/timing.js';
import { labPrerequisite } from '../../test/support/netns-lab.js';
import { VipSampler, type OwnershipWindow } from '../../test/support/vip-sampler.js';
import { machineBusyCores, machineCpu, rounded } from '../control-plane/report.js';
import { sleep, until, wallNow } from '../vrrp-failover/capture.js';
import { DIRECTORS, FailoverLab, VIP } from '../vrrp-failover/lab.js';
import { initialSettings, randomEdit, seededRandom } from './edits.js';
import { FleetlbEditablePair, KeepalivedEditablePair, type EditablePair } from './pairs.js';
import { analyseProbes, REPLY_WINDOW_MS, type ProbeOutcome } from './probe-analysis.js';

const USAGE = `usage: npm run bench:edits -- [--edits 50] [--versions 2,3] [--impl fleetlb,keepalived]
        [--seed 1] [--json FILE]

  --edits N    random edits per (version, implementation)
  --versions   2 = VRRPv2 with 1 s adverts, 3 = VRRPv3 with 0.1 s adverts
  --impl       fleetlb, keepalived or both
  --seed N     the edits' random seed (the same seed gives the same edits)
  --json FILE  write the JSON results to FILE instead of stdout's last line
`;
const PROBE_EVERY_MS = 5;
const log = (message: string) => process.stderr.write(`[bench:edits] ${message}\n`);

interface Cell {
  impl: string;
  version: VrrpVersion;
  edits: number;
  probes: ProbeOutcome;
  /** What the kernels said (`ip monitor address` in d1 and d2): time without a holder, with two. */
  kernel: { noHolderMs: number; twoHoldersMs: number };
  transitions: number;
  /** d1's signal → its first advert with the new priority, per edit (ms). */
  toWireMs: number[];
  /** Edits whose new priority never reached the wire. */
  notOnWire: number;
}

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Sends a probe every 5 ms, each from its own sender address (192.0.2.150–249), until stopped. */
function startProbing(fl: FailoverLab): () => void {
  let k = 0;
  const timer = setInterval(() => fl.probeFrom(`192.0.2.${150 + (k++ % 100)}`), PROBE_EVERY_MS);
  return () => clearInterval(timer);
}

const totalMs = (windows: readonly OwnershipWindow[]) =>
  windows.reduce((sum, w) => sum + (w.toMs - w.fromMs), 0);

async function runCell(
  fl: FailoverLab,
  sampler: VipSampler,
  pair: EditablePair,
  version: VrrpVersion,
  edits: number,
  seed: number,
): Promise<Cell> {
  const advertIntervalCs = version === 2 ? 100 : 10;
  const holdMs = Math.max(1000, masterDownIntervalMs(version, 1, advertIntervalCs) + 300);
  let settings = initialSettings(version);
  await pair.start(settings);
  await sleep(holdMs);
  const random = seededRandom(seed);
  const before = pair.transitions();
  const stopProbing = startProbing(fl);
  const from = wallNow();
  const toWireMs: number[] = [];
  let notOnWire = 0;
  for (let i = 0; i < edits; i++) {
    const edit = randomEdit(random, settings, version);
    settings = edit.next;
    const signalled = await pair.apply(settings);
    const d1 = DIRECTORS.d1.mac;
    const advert = await until(
      () => fl.wire.first(signalled, (f) => f.ethSrc === d1 && f.prio === settings.d1.priority),
      holdMs + 2000,
    );
    if (advert) toWireMs.push(advert.wallMs - signalled);
    else notOnWire += 1;
    log(
      `${pair.impl} v${version} edit ${i + 1}/${edits} (${edit.what.join(', ')}): ${advert ? `${(advert.wallMs - signalled).toFixed(1)} ms to the wire` : 'not on the wire'}`,
    );
    await sleep(holdMs);
  }
  const to = wallNow();
  stopProbing();
  await sleep(REPLY_WINDOW_MS + 1500); // tshark hands frames over in batches
  const requests = fl.wire.frames
    .filter((f) => f.arpOp === 1 && f.arpTarget === VIP)
    .map((f) => ({ wallMs: f.wallMs, sender: f.arpSender ?? '' }));
  const replies = fl.wire.frames.flatMap((f) => {
    const director = fl.directorOf(f.ethSrc);
    return f.arpOp === 2 && f.arpSender === VIP && director
      ? [{ wallMs: f.wallMs, director, target: f.arpTarget ?? '' }]
      : [];
  });
  const transitions = pair.transitions() - before;
  await pair.stop();
  return {
    impl: pair.impl,
    version,
    edits,
    probes: analyseProbes(requests, replies, from, to),
    kernel: {
      noHolderMs: totalMs(sampler.gaps(VIP, from, to)),
      twoHoldersMs: totalMs(sampler.overlaps(VIP, from, to)),
    },
    transitions,
    toWireMs,
    notOnWire,
  };
}

function table(cells: readonly Cell[]): string {
  const head =
    '| VRRP | impl | edits | ARP probes | lost | dual answers | kernel: ms without holder / with two | transitions | signal → wire ms p50 / p99 / max |';
  const rule = '|---|---|---|---|---|---|---|---|---|';
  const rows = cells.map((c) => {
    const wire = [50, 99, 100].map((p) => percentile(c.toWireMs, p)?.toFixed(1) ?? '-').join(' / ');
    const missing = c.notOnWire > 0 ? ` (${c.notOnWire} never)` : '';
    const vrrp = c.version === 2 ? 'v2 1 s' : 'v3 0.1 s';
    const kernel = `${c.kernel.noHolderMs.toFixed(1)} / ${c.kernel.twoHoldersMs.toFixed(1)}`;
    return `| ${vrrp} | ${c.impl} | ${c.edits} | ${c.probes.requests} | ${c.probes.lost} | ${c.probes.dual} | ${kernel} | ${c.transitions} | ${wire}${missing} |`;
  });
  return [head, rule, ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      edits: { type: 'string', default: '50' },
      versions: { type: 'string', default: '2,3' },
      impl: { type: 'string', default: 'fleetlb,keepalived' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const skip = labPrerequisite(['keepalived', 'tshark']);
  if (skip) throw new Error(skip);
  const edits = Number(values.edits);
  const seed = Number(values.seed);
  const versions = values.versions.split(',').map(Number) as VrrpVersion[];
  const impls = values.impl.split(',');
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-bench-edits-'));
  const cpu = machineCpu();
  const fl = await FailoverLab.start(3600);
  const sampler = await VipSampler.start(fl.lab, ['d1', 'd2']);
  const cells: Cell[] = [];
  try {
    for (const version of versions) {
      const interval = version === 2 ? 100 : 10;
      for (const impl of impls) {
        const pair: EditablePair =
          impl === 'keepalived'
            ? new KeepalivedEditablePair(fl, version, interval)
            : new FleetlbEditablePair(fl, version, interval, dir);
        log(`${impl}, VRRPv${version}: ${edits} edits`);
        cells.push(await runCell(fl, sampler, pair, version, edits, seed));
      }
    }
  } finally {
    sampler.stop();
    await fl.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const busyCores = machineBusyCores(cpu);
  process.stdout.write(
    `${table(cells)}\n\nmachine: ${busyCores.toFixed(2)} cores busy on average\n`,
  );
  const json = JSON.stringify(
    rounded({ date: new Date().toISOString(), busyCores, seed, edits, cells }),
  );
  if (values.json) writeFileSync(values.json, json);
  else process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
