/** @module The IPVS benchmark's targets: one PASS/FAIL line each, plus one FAIL per problem the guest's checks found. */
import { int, ms } from './format.js';
import { median, summarize, wall } from './stats.js';
import { DEFAULT_LIST_SOCKETS, type GuestResults } from './types.js';

export const TARGET_WEIGHT_MS = 5;
export const TARGET_RECONCILE_MS = 200;

export interface Target {
  pass: boolean;
  text: string;
}

function reconcileTarget(r: GuestResults): Target[] {
  const runs = r.reconcile.runs;
  const judged = runs.find((x) => x.listSockets === DEFAULT_LIST_SOCKETS) ?? runs[0];
  if (judged === undefined) return [];
  const med = median(wall(judged.cost));
  const others = runs
    .filter((x) => x !== judged)
    .map((x) => `listSockets ${x.listSockets}: ${ms(median(wall(x.cost)))} ms`)
    .join(', ');
  const dests = int(r.config.services * r.config.destinations);
  const leftovers = runs.flatMap((x) => x.leftovers);
  return [
    {
      pass: med <= TARGET_RECONCILE_MS,
      text:
        `no-op reconcile of ${dests} destinations ≤ ${TARGET_RECONCILE_MS} ms: median ${ms(med)} ms ` +
        `(max ${ms(Math.max(...wall(judged.cost)))}) at listSockets ${judged.listSockets}` +
        (others === '' ? '' : `; ${others}`),
    },
    {
      pass: leftovers.every((n) => n === 0),
      text: `no-op reconcile plans nothing: ${leftovers.filter((n) => n > 0).length} of ${leftovers.length} runs left ops, conflicts or unreadable entries`,
    },
  ];
}

export function targetsOf(r: GuestResults): Target[] {
  const p = r.program;
  const ours = median(wall(p.ours));
  const ratio = ours / median(wall(p.restore));
  const ratioR = ours / median(wall(p.ipvsadmR));
  const weight = summarize(r.weight.ours);
  const targets: Target[] = [
    {
      pass: ratio <= 1,
      text:
        `programming at least as fast as ipvsadm-restore: ours/ipvsadm-restore ${ratio.toFixed(2)} ≤ 1.00 ` +
        `(medians ${ms(ours)} vs ${ms(median(wall(p.restore)))} ms; against ipvsadm -R alone ${ratioR.toFixed(2)})`,
    },
    {
      pass: weight.median <= TARGET_WEIGHT_MS,
      text: `weight change ≤ ${TARGET_WEIGHT_MS} ms: median ${ms(weight.median)} ms (ipvsadm -e ${ms(median(r.weight.ipvsadm))} ms)`,
    },
  ];
  if (weight.n >= 100) {
    targets.push({
      pass: weight.p99 <= TARGET_WEIGHT_MS,
      text: `weight change p99 ≤ ${TARGET_WEIGHT_MS} ms: p99 ${ms(weight.p99)} ms, max ${ms(weight.max)} ms (${weight.n} samples)`,
    });
  }
  targets.push(...reconcileTarget(r));
  for (const problem of r.problems) targets.push({ pass: false, text: `guest check: ${problem}` });
  return targets;
}
