// N connections working through one list of jobs in parallel, each taking the next job
// when it is free (like the seed's thread pool and bqx's queue workers). The connections
// are opened before the clock starts and closed after it stops.
import pg from 'pg';

export interface PoolRun { seconds: number; rows: number; jobs: number }

export async function onConnections<T>(
  url: string, connections: number, jobs: readonly T[],
  job: (c: pg.Client, item: T) => Promise<number>, appName = 'bqx bench',
): Promise<PoolRun> {
  const clients = await Promise.all(Array.from({ length: connections }, async (_, i) => {
    const c = new pg.Client({ connectionString: url, application_name: `${appName} ${i + 1}` });
    await c.connect();
    return c;
  }));
  let next = 0;
  let rows = 0;
  try {
    const t0 = process.hrtime.bigint();
    await Promise.all(clients.map(async (c) => {
      while (next < jobs.length) {
        const n = await job(c, jobs[next++]); // not `rows += await`: that reads rows before waiting
        rows += n;
      }
    }));
    return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows, jobs: jobs.length };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}
