/**
 * @module Line diffs in unified format (`---`/`+++` headers, `@@` hunks with 3 lines of context),
 * computed with a longest-common-subsequence table: objects are small, clarity wins.
 */

type Op = { type: ' ' | '-' | '+'; text: string; oldLine: number; newLine: number };

/** The edit script turning `before` into `after`. */
export function diffLines(before: readonly string[], after: readonly string[]): Op[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        before[i] === after[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push({ type: ' ', text: before[i]!, oldLine: i++, newLine: j++ });
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ type: '-', text: before[i]!, oldLine: i++, newLine: j });
    } else {
      ops.push({ type: '+', text: after[j]!, oldLine: i, newLine: j++ });
    }
  }
  return ops;
}

const CONTEXT_LINES = 3;

/** A unified diff of two texts, or '' when they are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { before: string; after: string },
): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  if (ops.every((op) => op.type === ' ')) return '';
  const changed = ops.map((op, index) => (op.type === ' ' ? -1 : index)).filter((i) => i >= 0);
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(ops.length, index + CONTEXT_LINES + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const lines = [`--- ${labels.before}`, `+++ ${labels.after}`];
  for (const [start, end] of hunks) {
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.type !== '+').length;
    const newCount = slice.filter((op) => op.type !== '-').length;
    const oldStart = oldCount === 0 ? slice[0]!.oldLine : slice[0]!.oldLine + 1;
    const newStart = newCount === 0 ? slice[0]!.newLine : slice[0]!.newLine + 1;
    lines.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of slice) lines.push(`${op.type}${op.text}`);
  }
  return `${lines.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
