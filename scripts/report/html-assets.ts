// The HTML report's inline style and script. Colours come in light/dark pairs
// (light-dark()): the page follows the system theme, or the theme buttons force one. The
// charts draw text, axes and grid in currentColor, so they follow too. The script shows
// a mark's description (its aria-label, written by Vega) as a tooltip, and switches theme.

export const PAGE_STYLE = `
:root { color-scheme: light dark;
  --bg: light-dark(#ffffff, #15181c); --fg: light-dark(#1c2127, #e2e6ea); --muted: light-dark(#59636e, #9aa4ae);
  --line: light-dark(#d9dee3, #343a41); --card: light-dark(#f7f8fa, #1c2025); --accent: light-dark(#2f6fb0, #7fb3e8); }
:root[data-theme=light] { color-scheme: light; }
:root[data-theme=dark] { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
header, main { max-width: 960px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 30px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
header p { margin: 0; color: var(--muted); }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; background: var(--card); padding: 1px 4px; border-radius: 4px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 12px 0 0; font-size: 13px; }
a { color: var(--accent); }
.theme { float: right; font-size: 12px; color: var(--muted); }
.theme button { font: inherit; color: var(--fg); background: var(--card); border: 1px solid var(--line); padding: 2px 8px; margin-left: 4px; border-radius: 4px; cursor: pointer; }
.theme button[aria-pressed=true] { border-color: var(--accent); color: var(--accent); }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; display: block; overflow-x: auto; max-width: 100%; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
td:last-child { white-space: normal; min-width: 12em; }
th { font-weight: 600; color: var(--muted); }
tbody tr:nth-child(odd) { background: var(--card); }
details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; font-size: 13px; }
figure.chart { margin: 12px 0 16px; padding: 12px 14px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; color: var(--fg); overflow-x: auto; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
#tip { position: fixed; z-index: 10; pointer-events: none; max-width: 360px; padding: 4px 8px; font-size: 12px;
  background: var(--fg); color: var(--bg); border-radius: 4px; white-space: pre-line; }
@media print { .theme, nav, #tip, details > summary { display: none; } details > summary { cursor: pointer; color: var(--accent); margin: 6px 0; font-size: 13px; }
figure.chart { break-inside: avoid; } }
`;

export const PAGE_SCRIPT = `
(function () {
  var root = document.documentElement, tip = document.getElementById('tip');
  document.querySelectorAll('.theme button').forEach(function (b) {
    b.addEventListener('click', function () {
      var t = b.getAttribute('data-theme');
      if (t === 'auto') root.removeAttribute('data-theme'); else root.setAttribute('data-theme', t);
      document.querySelectorAll('.theme button').forEach(function (o) { o.setAttribute('aria-pressed', String(o === b)); });
    });
  });
  document.addEventListener('pointermove', function (e) {
    var el = e.target instanceof Element ? e.target.closest('figure.chart svg [aria-label]') : null;
    if (!el || el.tagName === 'g') { tip.hidden = true; return; }
    tip.textContent = el.getAttribute('aria-label').split('; ').join('\\n');
    tip.hidden = false;
    var x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    tip.style.left = x + 'px';
    tip.style.top = (e.clientY + 16) + 'px';
  });
})();
`;
