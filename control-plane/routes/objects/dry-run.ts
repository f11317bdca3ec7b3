/**
 * @module `?dryRun=true` on the object routes: the write runs under the site lock with all its
 * checks, then rolls back (store/site-write.ts); the answer is its WritePreview, with the
 * `Warning` headers the write would have carried.
 */
import type { Context } from 'hono';
import type { WritePreview } from '../../../contract/index.js';
import type { AppEnv } from '../../http/context.js';
import type { WriteOptions } from '../../store/site-write.js';
import { warningHeader } from './reelection-warnings.js';

/** The write's options from its `?dryRun=`. */
export function dryRunOf(c: Context<AppEnv>): WriteOptions {
  return { dryRun: c.req.query('dryRun') === 'true' };
}

/** A dry run's answer, with the warnings the write would have carried. */
export function previewWithWarnings(c: Context<AppEnv>, preview: WritePreview, warnings: string[]) {
  for (const warning of warnings) c.header('warning', warningHeader(warning), { append: true });
  return c.json(preview, 200);
}
