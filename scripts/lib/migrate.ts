// bqx migrate: node-pg-migrate runs the numbered migrations in migrations/, then the
// routines in sql/ are re-created (see routines.ts for the rule).
import { runner } from 'node-pg-migrate';
import { inTransaction, withClient } from './client.js';
import { migrationsDir } from './paths.js';
import { dropManagedRoutines, installRoutines } from './routines.js';

export interface MigrateOptions {
  direction?: 'up' | 'down';
  /** Number of migrations to run; default: all up, or one down. Infinity = down to zero. */
  count?: number;
  log?: (msg: string) => void;
}

export const MIGRATIONS_TABLE = 'bqx_migrations';

export async function migrate(connectionString: string, opts: MigrateOptions = {}): Promise<void> {
  const direction = opts.direction ?? 'up';
  const log = opts.log ?? (() => {});
  await withClient(connectionString, 'bqx migrate', async (client) => {
    await client.query(`set client_min_messages = warning`);
    // The routines in sql/ belong to the newest schema and depend on its tables: a down
    // migration drops them first; the next up re-creates them from the files.
    if (direction === 'down') await inTransaction(client, () => dropManagedRoutines(client));
    await runner({
      dbClient: client,
      dir: migrationsDir,
      migrationsTable: MIGRATIONS_TABLE,
      migrationsSchema: 'public',
      direction,
      count: opts.count ?? (direction === 'up' ? Infinity : 1),
      checkOrder: true,
      singleTransaction: true,
      log: (m: string) => log(m),
      logger: { debug: () => {}, info: (m: string) => log(m), warn: (m: string) => log(m), error: (m: string) => log(m) },
    });
    if (direction === 'up') await installRoutines(client, log);
  });
}

/** Names of the migrations that have run, oldest first. */
export async function appliedMigrations(connectionString: string): Promise<string[]> {
  return withClient(connectionString, 'bqx migrate', async (client) => {
    const exists = await client.query(`select to_regclass($1) is not null as ok`, [`public.${MIGRATIONS_TABLE}`]);
    if (!exists.rows[0].ok) return [];
    const r = await client.query(`select name from public.${MIGRATIONS_TABLE} order by run_on, id`);
    return r.rows.map((x) => x.name as string);
  });
}
