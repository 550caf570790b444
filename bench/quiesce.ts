// Every timed part starts without background work left over from the parts before it.
// A part that writes hundreds of tables leaves autovacuum a debt: the VACUUM and ANALYZE
// of each of them, and of the catalogs those tables churned. Paid during the next part,
// that debt was charged to it: the full backfill ran at 152k rows/s right after another
// backfill and at 166-180k after this (the autovacuum workers took 18.4 s against 0.8-4 s
// of the 2 cores). So before its clock starts, each part VACUUMs and ANALYZEs the database
// and checkpoints; what a part leaves for autovacuum during its own run stays its own cost.
import type pg from 'pg';

export async function quiesce(c: pg.ClientBase): Promise<void> {
  await c.query('vacuum analyze');
  await c.query('checkpoint');
}
