// A mistake the user can fix (a bad option, a missing file or program, a server without
// pg_cron), said the way Postgres says its own errors: message, SQLSTATE, DETAIL, HINT.
// Every command throws UserError for these; scripts/cli.ts prints it (and any pg error,
// which has the same fields) with printError and exits with status 1.

/** SQLSTATE of a bad option value (invalid_parameter_value), the usual code here. */
export const INVALID_PARAMETER = '22023';

export class UserError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly detail?: string;
  constructor(message: string, code: string = INVALID_PARAMETER, hint?: string, detail?: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.hint = hint;
    this.detail = detail;
  }
}

/** The lines printed for an error: `bqx: message (SQLSTATE x)`, then DETAIL and HINT when present. */
export function errorLines(err: unknown): string[] {
  const e = (err ?? {}) as { message?: string; code?: string; detail?: string; hint?: string };
  // a SQLSTATE is five digits or upper-case letters; Node's codes (ECONNREFUSED, ERR_...) are not
  const code = typeof e.code !== 'string' || e.code === '' ? '' : /^[0-9A-Z]{5}$/.test(e.code) ? ` (SQLSTATE ${e.code})` : ` (${e.code})`;
  const lines = [`bqx: ${e.message ?? String(err)}${code}`];
  if (e.detail) lines.push(`DETAIL: ${e.detail}`);
  if (e.hint) lines.push(`HINT: ${e.hint}`);
  return lines;
}

/** Print an error for the user on stderr and make the process exit with status 1. */
export function printError(err: unknown): void {
  for (const line of errorLines(err)) console.error(line);
  process.exitCode = 1;
}
