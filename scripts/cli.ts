// bqx: the thin Node driver. Every command lives in scripts/commands/<name>.ts and
// registers itself here; this file only wires them together.
import { Command } from 'commander';
import { registerDb } from './commands/db.js';
import { registerMigrate } from './commands/migrate.js';
import { registerBackfill } from './commands/backfill.js';
import { registerStatus } from './commands/status.js';
import { registerReport } from './commands/report.js';
import { registerSeed } from './commands/seed.js';
import { registerImport } from './commands/import.js';
import { registerVerify } from './commands/verify.js';
import { registerDemo } from './commands/demo.js';
import { printError } from './lib/user-error.js';
import { registerExport } from './commands/export.js';

const program = new Command();
program
  .name('bqx')
  .description('BQX features for one-minute FX bars, computed inside Postgres')
  .showHelpAfterError();

registerDb(program);
registerMigrate(program);
registerBackfill(program);
registerStatus(program);
registerReport(program);
registerSeed(program);
registerImport(program);
registerVerify(program);
registerDemo(program);
registerExport(program);

// a UserError or a Postgres error: message, SQLSTATE, DETAIL, HINT; exit status 1
program.parseAsync(process.argv).catch(printError);
