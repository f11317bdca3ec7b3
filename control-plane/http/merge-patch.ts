/** @module JSON Merge Patch (RFC 7396): null deletes a member, objects merge, the rest replaces. */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deeper patches than this are refused: no fleet object nests anywhere near it. */
export const MAX_PATCH_DEPTH = 32;

/**
 * Applies `patch` to `target` without mutating either (RFC 7396 §2). Returns undefined when the
 * patch nests deeper than MAX_PATCH_DEPTH (the caller answers 400).
 */
export function applyMergePatch(target: unknown, patch: unknown, depth = 0): unknown {
  if (!isObject(patch)) return patch;
  if (depth >= MAX_PATCH_DEPTH) return undefined;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else {
      const merged = applyMergePatch(result[key], value, depth + 1);
      if (merged === undefined) return undefined;
      result[key] = merged;
    }
  }
  return result;
}
