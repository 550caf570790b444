// Progress of long work, the one way every command shows it: a cli-progress bar on a
// terminal, plain lines otherwise (no control codes when piped or logged). The backfill's
// view of many bars is scripts/backfill/view.ts.
import cliProgress from 'cli-progress';

export interface Progress<P extends object> {
  /** `key` names the piece of work: a new key starts a new bar (import: one per file and phase) */
  update(done: number, total: number, payload: P, key?: string): void;
  stop(): void;
}

/** True when stdout is a terminal: bars, and lists printed after them rather than as they come. */
export const isTerminal = (): boolean => process.stdout.isTTY === true;

/**
 * `format` is the bar's cli-progress format ({bar}, {percentage}, {value}, {total},
 * {eta_formatted} and the payload's fields); off a terminal, `line` is printed at most
 * every `everyMs` (and when done reaches total).
 */
export function progressView<P extends object>(format: string, line: (done: number, total: number, p: P) => string, everyMs = 2000): Progress<P> {
  if (isTerminal()) {
    const bar = new cliProgress.SingleBar({ format, hideCursor: true }, cliProgress.Presets.shades_classic);
    let current: string | undefined;
    return {
      update(done, total, payload, key = '') {
        if (key !== current) {
          if (current !== undefined) bar.stop();
          current = key;
          bar.start(total, 0, payload);
        }
        bar.update(done, payload);
      },
      stop: () => { if (current !== undefined) bar.stop(); },
    };
  }
  let last = 0;
  return {
    update(done, total, payload) {
      const now = Date.now();
      if (done === total || now - last >= everyMs) {
        last = now;
        console.log(line(done, total, payload));
      }
    },
    stop: () => {},
  };
}
