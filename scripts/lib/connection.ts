// Which database a bqx command talks to, in this order:
//   1. DATABASE_URL, if set
//   2. the PG* environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, with libpq's
//      defaults for the unset ones), if any of those five is set
//   3. the embedded cluster (scripts/lib/local-cluster.ts), started if needed
import { userInfo } from 'node:os';
import { ensureRunning, runningUrl } from './local-cluster.js';
import { UserError } from './user-error.js';

export type ConnectionSource = 'DATABASE_URL' | 'PG environment' | 'embedded';

export interface ResolvedConnection {
  connectionString: string;
  source: ConnectionSource;
}

const PG_VARS = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD'] as const;

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v !== '' ? v : undefined;
}

/** A URL from the PG* variables, or undefined when none of them is set. */
export function urlFromPgEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!PG_VARS.some((k) => nonEmpty(env[k]) !== undefined)) return undefined;
  let user = nonEmpty(env.PGUSER);
  if (!user) {
    try { user = userInfo().username; } catch { user = 'postgres'; }
  }
  const host = nonEmpty(env.PGHOST) ?? 'localhost';
  const port = nonEmpty(env.PGPORT) ?? '5432';
  const database = nonEmpty(env.PGDATABASE) ?? user;
  const password = nonEmpty(env.PGPASSWORD);
  const auth = encodeURIComponent(user) + (password !== undefined ? `:${encodeURIComponent(password)}` : '');
  const params = new URLSearchParams();
  if (nonEmpty(env.PGSSLMODE)) params.set('sslmode', env.PGSSLMODE as string);
  if (nonEmpty(env.PGAPPNAME)) params.set('application_name', env.PGAPPNAME as string);
  let hostPart: string;
  if (host.startsWith('/')) {
    // a unix socket directory (libpq style): pass it as the host parameter
    hostPart = '';
    params.set('host', host);
  } else {
    hostPart = (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host) + `:${port}`;
  }
  if (host.startsWith('/')) params.set('port', port);
  const qs = params.toString();
  return `postgresql://${auth}@${hostPart}/${encodeURIComponent(database)}${qs ? `?${qs}` : ''}`;
}

export async function resolveConnection(opts: { start?: boolean; log?: (msg: string) => void } = {}): Promise<ResolvedConnection> {
  const dbUrl = nonEmpty(process.env.DATABASE_URL);
  if (dbUrl) return { connectionString: dbUrl, source: 'DATABASE_URL' };
  const fromEnv = urlFromPgEnv();
  if (fromEnv) return { connectionString: fromEnv, source: 'PG environment' };
  if (opts.start === false) {
    const url = runningUrl();
    if (!url) {
      throw new UserError('no database: DATABASE_URL and PG* are not set and the embedded PostgreSQL is not running', '08001',
        'Start it: bqx db start (or set DATABASE_URL).');
    }
    return { connectionString: url, source: 'embedded' };
  }
  const log = opts.log ?? ((m: string) => console.error(`bqx: ${m}`));
  return { connectionString: await ensureRunning({ log }), source: 'embedded' };
}

/** The URL with its password masked, for printing. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

