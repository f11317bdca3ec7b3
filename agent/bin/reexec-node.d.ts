/**
 * Re-execs this process with `flags` before its own, the same script and arguments, and its
 * environment plus `extraEnv`; rejects when the addon is not built or exec was refused.
 */
export function reexecNode(
  flags: readonly string[],
  extraEnv?: Record<string, string>,
): Promise<never>;
