/** @module Reading `-f FILE` (or `-` for standard input) for apply and delete. */
import { readFileSync } from 'node:fs';
import type { Invocation } from './command.js';
import { CliError, EXIT } from './exit-codes.js';

export async function readInput(
  inv: Invocation,
  file: string,
): Promise<{ text: string; name: string }> {
  if (file === '-') return { text: await inv.io.readStdin(), name: '(stdin)' };
  try {
    return { text: readFileSync(file, 'utf8'), name: file };
  } catch (err) {
    throw new CliError(EXIT.error, `cannot read ${file}: ${(err as Error).message}`);
  }
}
