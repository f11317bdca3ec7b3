/** @module Shared by the agent metrics tests: the NAT director document and the exposition read back as samples. */
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { DesiredState } from '../../contract/desired-state.js';

/** contract/fixtures/director-ipv4-nat.json, parsed. */
export const natDocument = DesiredState.parse(
  JSON.parse(
    readFileSync(
      new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
      'utf8',
    ),
  ),
);

/** `name{labels}` → value, for every sample line of the exposition. */
export async function samples(registry: Registry): Promise<Map<string, number>> {
  const text = await registry.metrics();
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    map.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return map;
}
