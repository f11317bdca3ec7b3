/**
 * @module Shapes shared by the two users of a keepalived `track_file` (trackers/track_file.c): a
 * VRRP instance's tracked file (vrrp-instance.ts) and a real server's file check
 * (health-check.ts, keepalived FILE_CHECK, check/check_file.c).
 */
import { z } from 'zod';
import { strictObject } from './unknown-fields.js';
import { AbsolutePath } from './common.js';

export const TrackFilePath = AbsolutePath.meta({
  description:
    'A file holding an integer, watched for changes (keepalived track_file, trackers/track_file.c): a missing, empty or non-numeric file reads as 0',
});

export const TrackFileReverse = z
  .boolean()
  .default(false)
  .meta({ description: 'The number counts the other way (keepalived `weight W reverse`)' });

export const TrackFileInit = strictObject({
  value: z.int().min(-2147483648).max(2147483647).default(0),
  overwrite: z.boolean().default(false),
})
  .optional()
  .meta({
    description:
      'keepalived init_file: when the agent starts, writes `value` to the file if it does not exist (or always, with overwrite); not on a reload',
  });
