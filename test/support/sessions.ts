// Several real sessions on one test database, for concurrency tests: each Session is its
// own pg.Client with its backend pid; waitFor polls the server (pg_locks,
// pg_stat_activity) instead of sleeping.
import pg from 'pg';

export interface Session {
  client: pg.Client;
  pid: number;
  query: pg.Client['query'];
  end: () => Promise<void>;
}

export async function openSession(url: string, applicationName = 'bqx test'): Promise<Session> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  const r = await client.query(`select pg_catalog.pg_backend_pid() as pid`);
  return {
    client,
    pid: r.rows[0].pid as number,
    query: client.query.bind(client) as pg.Client['query'],
    end: () => client.end().catch(() => {}),
  };
}

/** Polls `sql` (one row, boolean column ok) every 20 ms until it is true; throws after timeoutMs. */
export async function waitFor(q: Pick<pg.ClientBase, 'query'>, sql: string, params: unknown[], what: string,
  timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await q.query(sql, params);
    if (r.rows[0]?.ok) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** True once backend `pid` waits for a heavyweight lock (or is idle: its statement ended). */
export const WAITING_OR_IDLE = `select coalesce((select a.wait_event_type = 'Lock' or a.state <> 'active'
                                                  from pg_catalog.pg_stat_activity a where a.pid = $1), true) as ok`;
/** True once backend `pid` waits for a heavyweight lock. */
export const WAITING = `select coalesce((select a.wait_event_type = 'Lock'
                                           from pg_catalog.pg_stat_activity a where a.pid = $1), false) as ok`;

/** Settles a promise into { ok, error, ms } without throwing, timing it from now. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: boolean; value?: T; error?: { code?: string; message: string }; ms: number }> {
  const t0 = Date.now();
  try {
    const value = await p;
    return { ok: true, value, ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, error: e as { code?: string; message: string }, ms: Date.now() - t0 };
  }
}
