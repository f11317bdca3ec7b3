/**
 * @module A block's notify-style scripts as the model keeps them: each hook's program, its own
 * arguments and who it runs as (`notify_master`…, `notify_up`/`notify_down`,
 * `quorum_up`/`quorum_down`), with `args` and `runAs` only where some hook has them.
 */
import type { SourcePosition } from './diagnostics.js';
import type { GlobalDefs, ScriptUserConf } from './model.js';
import { type MapCtx, program } from './to-desired-helpers.js';
import { runAsOf, type RunAsInput } from './to-desired-run-as.js';

export type HookFields<K extends string> = Partial<Record<K, string>> & {
  args?: Partial<Record<K, string[]>>;
  runAs?: Partial<Record<K, RunAsInput>>;
};

/** One entry per hook: its key, its command words, the `USER [GROUP]` after them. */
export type HookEntry<K extends string> = readonly [
  K,
  readonly string[] | undefined,
  ScriptUserConf | undefined,
];

export function hookFields<K extends string>(
  entries: readonly HookEntry<K>[],
  g: GlobalDefs,
  at: SourcePosition,
  ctx: MapCtx,
  what: string,
): HookFields<K> {
  const scripts: Partial<Record<K, string>> = {};
  const args: Partial<Record<K, string[]>> = {};
  const runAs: Partial<Record<K, RunAsInput>> = {};
  for (const [key, words, user] of entries) {
    const run = words && program(words, at, ctx, `${what} ${key}`);
    if (run === undefined) continue;
    scripts[key] = run.path;
    if (run.args.length > 0) args[key] = run.args;
    const who = runAsOf(user, g);
    if (who !== undefined) runAs[key] = who;
  }
  return {
    ...scripts,
    ...(Object.keys(args).length > 0 ? { args } : {}),
    ...(Object.keys(runAs).length > 0 ? { runAs } : {}),
  };
}
