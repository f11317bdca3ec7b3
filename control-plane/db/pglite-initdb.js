// `node pglite-initdb.js DATA_DIR SETTINGS_JSON`: creates a PGlite data directory (initdb) in a
// process of its own, then exits: initdb's WebAssembly module and buffers (~450 MiB) leave with
// it instead of staying in the control plane (a worker thread still left ~170 MiB of RSS
// behind). See openPglite in database.ts.
import { PGlite } from '@electric-sql/pglite';

const [dataDir, settings] = process.argv.slice(2);
const pglite = await PGlite.create({ dataDir, postgresqlconf: JSON.parse(settings ?? '[]') });
await pglite.close();
