// `bqx db ...` alone (no other commands), run by test/local-cluster.test.ts through tsx so
// that it tests the real command in its own process, independent of the rest of the CLI.
import { Command } from 'commander';
import { registerDb } from '../../scripts/commands/db.js';
import { printError } from '../../scripts/lib/user-error.js';

const program = new Command().name('bqx');
registerDb(program);
program.parseAsync(process.argv).catch(printError);
