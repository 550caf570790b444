// bqx db start|stop|status|url|destroy: the embedded default PostgreSQL (local-cluster.ts).
import type { Command } from 'commander';
import { citusStatus, startCitus, stopCitus } from '../lib/citus-cluster.js';
import { clusterPaths, destroy, start, status, stop } from '../lib/local-cluster.js';

const say = (m: string): void => console.log(`bqx: ${m}`);

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description(
      'the embedded PostgreSQL 15 + pg_cron cluster (data in .bqx/pg, or $BQX_HOME/pg); used when neither DATABASE_URL nor PG* is set',
    );

  db.command('start')
    .description('initialize (first time) and start the embedded cluster')
    .option('--citus <workers>', 'a local Citus cluster instead: a coordinator and N workers (in .bqx/citus); prints the coordinator URL')
    .action(async (o: { citus?: string }) => {
      if (o.citus !== undefined) {
        console.log((await startCitus(Number(o.citus), { log: say })).coordinator.url);
        return;
      }
      const r = await start({ log: say });
      if (r.alreadyRunning) say(`the embedded PostgreSQL is already running on 127.0.0.1:${r.port} (data: ${r.dataDir})`);
      console.log(r.url);
    });

  db.command('stop')
    .description('stop the embedded cluster (fast shutdown)')
    .option('--citus', 'stop the local Citus cluster (every node) instead')
    .action(async (o: { citus?: boolean }) => {
      if (o.citus) {
        const stopped = await stopCitus({ log: say });
        say(stopped.length ? `stopped ${stopped.join(', ')}` : 'the local Citus cluster is not running; nothing to stop');
        return;
      }
      const paths = clusterPaths();
      const r = await stop({ log: say, paths });
      if (r.wasRunning) say(`stopped the embedded PostgreSQL (data kept in ${paths.dataDir})`);
      else if (r.staleRemoved) say('the embedded PostgreSQL was not running (it had not been shut down cleanly; cleaned up)');
      else say('the embedded PostgreSQL is not running; nothing to stop');
    });

  db.command('status')
    .description('print running/stopped, port, data directory and version')
    .option('--citus', 'the nodes of the local Citus cluster instead')
    .action((o: { citus?: boolean }) => {
      if (o.citus) {
        const nodes = citusStatus();
        for (const n of nodes) console.log(`${n.name.padEnd(12)} ${n.running ? 'running' : 'stopped'}  ${n.url ?? '-'}`);
        if (!nodes.some((n) => n.running)) process.exitCode = 3;
        return;
      }
      const st = status();
      if (!st.initialized) {
        console.log('status:   not initialized (bqx db start creates it)');
        console.log(`data dir: ${st.dataDir}`);
        process.exitCode = 3;
        return;
      }
      console.log(`status:   ${st.running ? `running (pid ${st.pid})` : 'stopped'}`);
      console.log(`port:     ${st.port ?? '-'} (127.0.0.1)`);
      console.log(`data dir: ${st.dataDir}`);
      console.log(`log:      ${st.logFile}`);
      console.log(`version:  ${st.version ?? '-'}`);
      if (st.url) console.log(`url:      ${st.url}`);
      // like pg_ctl status: 0 running, 3 not running
      if (!st.running) process.exitCode = 3;
    });

  db.command('url')
    .description('print the connection URL of the embedded cluster (database bqx)')
    .option('--start', 'start the cluster first if it is not running')
    .action(async (o: { start?: boolean }) => {
      if (o.start) {
        console.log((await start({ log: (m) => console.error(`bqx: ${m}`) })).url);
        return;
      }
      const st = status();
      if (!st.initialized || !st.url) {
        console.error('bqx: the embedded PostgreSQL has not been created yet: run `bqx db start` (or `bqx db url --start`)');
        process.exitCode = 1;
        return;
      }
      if (!st.running) console.error('bqx: note: the embedded PostgreSQL is stopped (bqx db start)');
      console.log(st.url);
    });

  db.command('destroy')
    .description('stop the embedded cluster and delete its data directory')
    .option('--yes', 'really delete it')
    .action(async (o: { yes?: boolean }) => {
      const paths = clusterPaths();
      if (!o.yes) {
        console.error(`bqx: this deletes ${paths.dataDir} and every database in it; repeat with --yes`);
        process.exitCode = 1;
        return;
      }
      await destroy({ log: say, paths });
      say(`deleted ${paths.dataDir}`);
    });
}
