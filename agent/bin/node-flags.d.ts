/** The V8 flags of every agent, and lite mode's, added for small configurations. */
export const BASE_FLAGS: readonly string[];
export const LITE_FLAGS: readonly string[];
export const LITE_MODE_MAX_REAL_SERVERS: number;
/** What the agent runs with for a configuration of `realServers` real servers. */
export function nodeFlagsFor(realServers: number): string[];
/** The flags for a small configuration. */
export const NODE_FLAGS: readonly string[];
export function countKeepalivedRealServers(text: string): number;
export function countDocumentRealServers(text: string): number;
export function startingRealServers(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): number;
/**
 * The flags for an agent started with `argv` and `env`; in control-plane mode, by its
 * last-known-good document, and without lite mode when it has none.
 */
export function agentNodeFlags(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): string[];
/** Set in the environment of an agent re-exec'd for its first document. */
export const FIRST_DOCUMENT_REEXEC_ENV: string;
/** Why an agent with `env` never re-execs for its first document; undefined when it may. */
export function firstDocumentReexecRefused(
  env: Record<string, string | undefined>,
): string | undefined;
export type FirstDocumentReexec =
  { reexec: true; flags: string[] } | { reexec: false; reason: string };
/**
 * Whether an agent running with `execArgv` re-execs itself for its first document of
 * `realServers` real servers, and with which flags added.
 */
export function firstDocumentReexec(
  realServers: number,
  execArgv: readonly string[],
  env: Record<string, string | undefined>,
): FirstDocumentReexec;
