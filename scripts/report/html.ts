// The HTML report: one self-contained file (styles, script and every chart inlined as SVG;
// a Content-Security-Policy forbids any fetch). Its sections are the Markdown report's
// (render.ts, rendered by markdown-it with raw HTML escaped), each followed by its charts,
// plus a features section.
import MarkdownIt from 'markdown-it';
import type { ReportData } from './collect.js';
import type { ChartData } from './chart-data.js';
import { reportCharts, type Chart } from './charts.js';
import { renderReport } from './render.js';
import { renderSvg } from './svg.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './html-assets.js';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' } as Record<string, string>)[c]};`);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const OPEN_ROWS = 12;

/** A table longer than OPEN_ROWS rows starts folded: the charts above it summarize it. */
function foldLongTables(html: string): string {
  return html.replace(/<table>[\s\S]*?<\/table>/g, (t) => {
    const rows = (t.match(/<tr>/g) ?? []).length - 1;
    return rows > OPEN_ROWS ? `<details><summary>table: ${rows} rows</summary>\n${t}</details>` : t;
  });
}

async function figure(c: Chart): Promise<string> {
  return `<figure class="chart" data-chart="${c.id}" data-marks="${escapeHtml(JSON.stringify(c.marks))}">${await renderSvg(c.spec)}</figure>`;
}

function featuresMarkdown(c: ChartData): string {
  if (!c.features) return '## Features\n\nNo pair-month is backfilled yet: nothing to show.\n';
  const f = c.features;
  return `## Features\n\nThe rate of ${f.pair} on ${f.day} (UTC) and the features bqx stored for each of its ${f.bars.length} bars, `
    + `on one time axis. Another pair or day: \`bqx report --html --pair ${f.pair} --day ${f.day}\`.\n`;
}

export async function renderHtmlReport(d: ReportData, c: ChartData): Promise<string> {
  const markdown = renderReport(d);
  // the sections of the Markdown report, in order; the features section goes after data quality
  const [head, ...sections] = markdown.split(/^(?=## )/m);
  const at = sections.findIndex((s) => s.startsWith('## Data quality'));
  sections.splice(at < 0 ? sections.length : at + 1, 0, featuresMarkdown(c));

  const charts = new Map(reportCharts(d, c).map((x) => [x.section, x.charts]));
  const nav: string[] = [];
  const body: string[] = [];
  for (const s of sections) {
    const title = s.slice(3, s.indexOf('\n')).trim();
    const id = slug(title);
    nav.push(`<a href="#${id}">${escapeHtml(title)}</a>`);
    const html = foldLongTables(md.render(s));
    const figs = (await Promise.all((charts.get(title) ?? []).map(figure))).join('\n');
    const end = html.indexOf('</h2>') + '</h2>'.length;
    body.push(`<section id="${id}">${html.slice(0, end)}\n${figs}\n${html.slice(end)}</section>`);
  }
  const title = `BQX backfill report (${d.database})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<div class="theme" role="group" aria-label="colour theme">theme:
<button type="button" data-theme="auto" aria-pressed="true">auto</button><button type="button" data-theme="light" aria-pressed="false">light</button><button type="button" data-theme="dark" aria-pressed="false">dark</button>
</div>
${md.render(head)}
<nav>${nav.join('\n')}</nav>
</header>
<main>
${body.join('\n')}
</main>
<div id="tip" role="tooltip" hidden></div>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
