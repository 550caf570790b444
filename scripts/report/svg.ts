// A Vega-Lite spec rendered to an SVG string in Node: Vega-Lite compiles it to Vega, a
// headless Vega view (no canvas, no DOM) renders the scenegraph to SVG markup.
// Both are loaded on first use, not when the CLI starts (every other command would pay
// for them in start-up time and memory).
import type { TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View, Warn }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const problems: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => { problems.push(a.join(' ')); return logger; },
    warn: (...a: unknown[]) => { problems.push(a.join(' ')); return logger; },
    info: () => logger,
    debug: () => logger,
  };
  const vg = compile(spec, { logger }).spec;
  const view = new View(parse(vg), { renderer: 'none', logLevel: Warn, logger });
  try {
    const svg = await view.toSVG();
    // a chart the library had to second-guess is a bug of its spec: fail loudly, never draw it wrong
    if (problems.length) throw new Error(`chart spec problems: ${problems.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}
