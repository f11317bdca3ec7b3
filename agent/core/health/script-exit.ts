/**
 * @module The meaning of a script check's exit status (keepalived MISC_CHECK, with `misc_dynamic`).
 *
 * Exit 0 = up at the configured weight; exit 1 = down. Without `dynamicWeight`, any non-zero exit is
 * down. With it (keepalived `misc_dynamic`), exit 2-255 = up with weight = exit code − 2 (0-253).
 * A process killed by a signal (code null) is down.
 */
import { fail, PASS } from './result.js';
import type { ProbeResult } from './result.js';

export function scriptExitResult(
  code: number | null,
  signal: string | null,
  dynamicWeight: boolean,
): ProbeResult {
  if (code === 0) return PASS;
  if (code === null) return fail('exit', `killed by ${signal ?? 'signal'}`);
  if (dynamicWeight && code >= 2 && code <= 255) return { ok: true, weight: code - 2 };
  return fail('exit', `exit code ${code}`);
}
