// A connection's life, the same in every command: opened for a piece of work and always
// closed (withClient), and work that must be whole or not at all (inTransaction).
import pg from 'pg';

/** Runs `fn` on a new connection named `appName` (pg_stat_activity), closed afterwards whatever happens. */
export async function withClient<T>(connectionString: string, appName: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, application_name: appName });
  client.on('error', () => {}); // a terminated backend: the running query fails and says why
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `fn` between BEGIN and COMMIT: an error rolls all of it back and is thrown on. */
export async function inTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('begin');
  try {
    const result = await fn();
    await client.query('commit');
    return result;
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  }
}
