// Where the project lives and the database defaults: constants only, so modules that need them
// (the CLI's option tables, the runs ledger) do not load the DuckDB binding just to start.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SQL_DIR = join(PROJECT_ROOT, 'sql');

/** Default DuckDB memory limit: leaves room for Node and the OS so the process stays under 8 GiB. */
export const DEFAULT_MEMORY_LIMIT = '5GB';
