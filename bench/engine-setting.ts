// Which engines this server can run, and choosing one for the next backfills
// (bqx.settings key 'engine'; bqx_internal.current_engine() decides what is usable).
import pg from 'pg';

export async function setEngine(c: pg.ClientBase, engine: string): Promise<void> {
  await c.query(`update bqx.settings set value = $1 where key = 'engine'`, [engine]);
}

/** 'sql', then 'plv8' when bqx can use it here; leaves the setting at 'auto'. */
export async function installedEngines(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await setEngine(c, 'plv8');
    const plv8 = await c.query(`select bqx_internal.current_engine() as e`).then(() => true, () => false);
    await setEngine(c, 'auto');
    return plv8 ? ['sql', 'plv8'] : ['sql'];
  } finally {
    await c.end();
  }
}

/** The engine 'auto' picks. */
export async function autoEngine(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await setEngine(c, 'auto');
    return (await c.query(`select bqx_internal.current_engine() as e`)).rows[0].e;
  } finally {
    await c.end();
  }
}
