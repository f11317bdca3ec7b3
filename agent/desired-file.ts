/**
 * @module Reading a desired-state document from a file (`--desired FILE`), through the same gate
 * as every other document (runtime/document-check.ts).
 */
import { readFile } from 'node:fs/promises';
import { checkDocumentText, refused, type DocumentCheck } from './runtime/document-check.js';

export type DesiredFileResult = DocumentCheck;

export async function readDesiredFile(path: string): Promise<DesiredFileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return refused(path, [{ path: '', message: (error as Error).message }]);
  }
  return checkDocumentText(text, path);
}
