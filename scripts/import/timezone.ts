// Local bar times -> UTC instants.
//
// A zone is a fixed offset ('UTC', 'Z', '+02:00', '-0500', '-05') or an IANA name
// ('America/New_York'). Local times are handled as "wall-clock milliseconds": the
// local date-time read as if it were UTC (Date.UTC(y, m, d, h, mi, s)).
//
// Around DST changes in an IANA zone (the rule of RFC 5545 and of JS Temporal's
// 'compatible' disambiguation, which is also what `new Date(y, m, d, h)` does):
//   - an ambiguous local time (the repeated hour when clocks go back) is the EARLIER
//     instant (daylight time); the second pass through that hour then falls on the
//     same instants and is counted as duplicate lines by the importer;
//   - a nonexistent local time (the skipped hour when clocks go forward) is read with
//     the offset in force BEFORE the change, i.e. moved forward by the gap
//     (02:30 in New York on a spring-forward day = 03:30 EDT = 07:30 UTC).
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

export interface TimeZone {
  /** as given by the user, normalised ('UTC', '-05:00', 'America/New_York') */
  label: string;
  /** true for a fixed offset */
  fixed: boolean;
  /** wall-clock milliseconds -> UTC epoch milliseconds */
  toUtc(localMs: number): number;
}

const MINUTE = 60_000;

const DAY = 86_400_000;

/** HistData's documented zone: EST without daylight saving. */
export const HISTDATA_DEFAULT_TZ = '-05:00';

function fixedZone(offsetMinutes: number): TimeZone {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  const label = offsetMinutes === 0 ? 'UTC' : `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  const off = offsetMinutes * MINUTE;
  return { label, fixed: true, toUtc: (localMs) => localMs - off };
}

/** The zone's offset (ms, local - UTC) at a UTC instant, memoised per 15 minutes. */
function offsetFunction(name: string): (utcMs: number) => number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: name,
    hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const cache = new Map<number, number>();
  const compute = (utcMs: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(utcMs))) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return wall - Math.floor(utcMs / 1000) * 1000;
  };
  return (utcMs: number) => {
    // tzdb transitions since 1970 fall on whole quarter hours
    const bucket = Math.floor(utcMs / (15 * MINUTE));
    let off = cache.get(bucket);
    if (off === undefined) {
      off = compute(bucket * 15 * MINUTE);
      cache.set(bucket, off);
    }
    return off;
  };
}

function ianaZone(name: string): TimeZone {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new UserError(`unknown time zone "${name}"`, INVALID_PARAMETER,
      'Use UTC, a fixed offset such as +02:00 or -05:00, or an IANA zone such as America/New_York.');
  }
  const offsetAt = offsetFunction(canonical);
  return {
    label: canonical,
    fixed: false,
    toUtc(localMs: number): number {
      const before = offsetAt(localMs - DAY);
      const after = offsetAt(localMs + DAY);
      const t1 = localMs - before; // reading with the earlier offset
      const ok1 = offsetAt(t1) === before;
      if (before === after) return ok1 ? t1 : localMs - offsetAt(localMs - before);
      const t2 = localMs - after;
      const ok2 = offsetAt(t2) === after;
      if (ok1 && ok2) return Math.min(t1, t2); // ambiguous: the earlier instant
      if (ok1) return t1;
      if (ok2) return t2;
      return t1; // nonexistent: the offset in force before the change
    },
  };
}

/** Parses a --tz value. */
export function parseTimeZone(spec: string): TimeZone {
  const s = spec.trim();
  if (/^(utc|gmt|z)$/i.test(s)) return fixedZone(0);
  const m = /^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(s);
  if (m) {
    const h = Number(m[2]);
    const mi = m[3] === undefined ? 0 : Number(m[3]);
    if (h > 15 || mi > 59) {
      throw new UserError(`time zone offset out of range: "${spec}"`, INVALID_PARAMETER, 'An offset is between -15:00 and +15:00, for example -05:00.');
    }
    return fixedZone((m[1] === '-' ? -1 : 1) * (h * 60 + mi));
  }
  return ianaZone(s);
}

