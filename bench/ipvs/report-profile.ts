/** @module The IPVS benchmark's CPU-profile summary: self time of a V8 profile by group and by function, and as text. */
import type { Profiler, Runtime } from 'node:inspector';
import { ms } from './format.js';
import type { ProfileEntry, ProfileSummary } from './types.js';

/** Where a profile frame belongs: our client, planner, codec, the netlink package, Node, V8. */
function groupOf(frame: Runtime.CallFrame, file: string): string {
  if (frame.functionName.startsWith('(')) return frame.functionName;
  if (file.startsWith('agent/linux/ipvs/')) return 'client (agent/linux/ipvs)';
  if (/^agent\/core\/ipvs\/(plan|config-diff|operations|model)/.test(file))
    return 'planner (agent/core/ipvs/plan*)';
  if (file.startsWith('agent/core/ipvs/')) return 'codec (agent/core/ipvs)';
  if (file.includes('node_modules/netlink/')) return 'netlink package JS';
  if (file.startsWith('node:')) return 'Node internals';
  if (file === '') return `native: ${frame.functionName || '(anonymous)'}`;
  if (file.startsWith('contract/')) return 'address parsing (contract/ip.ts)';
  if (file.startsWith('bench/')) return 'benchmark';
  return 'other';
}

function fileOf(url: string, root: string): string {
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** Self time by group and the `top` hottest functions of a V8 CPU profile. */
export function summarizeProfile(
  profile: Profiler.Profile,
  root: string,
  top = 15,
): ProfileSummary {
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const perHit = hits === 0 ? 0 : totalMs / hits;
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const node of profile.nodes) {
    const selfMs = (node.hitCount ?? 0) * perHit;
    if (selfMs === 0) continue;
    const file = fileOf(node.callFrame.url, root);
    const group = groupOf(node.callFrame, file);
    groups.set(group, (groups.get(group) ?? 0) + selfMs);
    // tsx-compiled files report line 0 for every function: name the file alone then.
    const line = node.callFrame.lineNumber > 0 ? `:${node.callFrame.lineNumber + 1}` : '';
    const where = file === '' ? '' : ` ${file}${line}`;
    const name = `${node.callFrame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + selfMs);
  }
  const sorted = (m: Map<string, number>): ProfileEntry[] =>
    [...m].map(([name, selfMs]) => ({ name, selfMs })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs, groups: sorted(groups), top: sorted(functions).slice(0, top) };
}

/** A profile summary as indented text lines. */
export function profileText(title: string, p: ProfileSummary): string {
  const pct = (v: number): string => `${((100 * v) / p.totalMs).toFixed(1).padStart(5)}%`;
  const lines = [`${title} (${ms(p.totalMs)} ms profiled)`, '  by group (self time):'];
  for (const g of p.groups)
    lines.push(`    ${pct(g.selfMs)}  ${ms(g.selfMs).padStart(7)} ms  ${g.name}`);
  lines.push('  hottest functions (self time):');
  for (const f of p.top)
    lines.push(`    ${pct(f.selfMs)}  ${ms(f.selfMs).padStart(7)} ms  ${f.name}`);
  return lines.join('\n');
}
