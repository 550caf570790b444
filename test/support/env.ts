// Values that test/support/global-setup.ts hands to the test files (vitest provide/inject).
export type TestBackend = 'url' | 'testcontainers' | 'embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    /** superuser URL of the `postgres` database on the test server */
    bqxAdminUrl: string;
    /** URL of the migrated cron.database_name database, '' when pg_cron is not preloaded */
    bqxCronUrl: string;
    /** which server: 'url' (BQX_TEST_DATABASE_URL), 'testcontainers' or 'embedded' */
    bqxBackend: TestBackend;
    /** one human-readable line describing it */
    bqxBackendDescription: string;
  }
}

// :2 carries PLV8 (docker/build-test-image.sh; its label org.bqx.plv8 says which version, or none)
export const TEST_IMAGE = process.env.BQX_TEST_IMAGE ?? 'bqx-test/postgres15-cron:2';
export const TEMPLATE_DB = 'bqx_template';
export const TEST_DB_PREFIX = 'bqx_t_';

export { redactUrl as redact, withDatabase } from '../../scripts/lib/connection.js';

