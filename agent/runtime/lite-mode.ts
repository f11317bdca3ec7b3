/**
 * @module Lite mode (agent/bin/node-flags.js) is chosen once, when the agent starts, from the
 * document it starts from. A document applied later with more real servers than lite mode is for
 * keeps it, and each health check then costs about twice the CPU: the agent says so in its log
 * with each such document, and what to do (restart it: it then starts from that document).
 */
import type { DesiredState } from '../../contract/desired-state.js';
import { LITE_MODE_MAX_REAL_SERVERS } from '../bin/node-flags.js';

/** `document`'s real servers when this process runs in lite mode and they are too many for it. */
export function outgrownLiteMode(
  document: Pick<DesiredState, 'virtualServers'>,
  execArgv: readonly string[] = process.execArgv,
): number | undefined {
  if (!execArgv.includes('--lite-mode')) return undefined;
  const realServers = realServersOf(document);
  return realServers > LITE_MODE_MAX_REAL_SERVERS ? realServers : undefined;
}

/** The real servers of `document`, all virtual servers together. */
export function realServersOf(document: Pick<DesiredState, 'virtualServers'>): number {
  return document.virtualServers.reduce((n, vs) => n + vs.realServers.length, 0);
}

export const LITE_MODE_OUTGROWN =
  'lite mode (chosen at start for a small document) now runs more real servers than it is for: each health check costs about twice the CPU; restart the agent to run without it';
