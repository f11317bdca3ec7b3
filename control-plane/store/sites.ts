/** @module Site rows: lookup by name, and the revision every director of a site shares. */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/database.js';
import { sites } from '../db/schema.js';
import { notFound } from '../http/problem.js';

export type SiteRow = typeof sites.$inferSelect;

/** The site named `name`, or a 404 problem. */
export async function findSite(db: Db | Tx, name: string): Promise<SiteRow> {
  const [site] = await db.select().from(sites).where(eq(sites.name, name)).limit(1);
  if (!site) throw notFound(`site ${name}`);
  return site;
}
