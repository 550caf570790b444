// bqx migrate [up|down] [--count N | --to-zero]
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { migrate } from '../lib/migrate.js';
import { UserError } from '../lib/user-error.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('run the migrations (up by default) and re-create the SQL routines from sql/')
    .argument('[direction]', 'up or down', 'up')
    .option('--count <n>', 'number of migrations to run (default: all up, one down)')
    .option('--to-zero', 'with down: undo every migration (drops schemas bqx and bqx_internal)')
    .action(async (direction: string, o: { count?: string; toZero?: boolean }) => {
      if (direction !== 'up' && direction !== 'down') throw new UserError(`direction must be up or down, got "${direction}"`, undefined, 'For example bqx migrate down --count 1.');
      const conn = await resolveConnection();
      const count = o.toZero ? Infinity : o.count !== undefined ? Number(o.count) : undefined;
      if (count !== undefined && !(count >= 0)) throw new UserError(`--count must be a non-negative number, got "${o.count}"`, undefined, 'For example --count 1, or --to-zero to undo every migration.');
      console.log(`bqx: migrating ${direction} (${conn.source})`);
      await migrate(conn.connectionString, { direction, count, log: (m) => console.log(`  ${m}`) });
      console.log('bqx: migrations done');
    });
}
