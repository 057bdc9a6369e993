// Opens an initlab HTML report in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core from web/node_modules) and checks: no console errors, no page errors, no
// network request at all, every chart rendered, and each chart's series and marks as many as
// the report's own data says (counted here from the JSON, independently of report.js).
// Usage: node browser_test.cjs REPORT.html SCREENSHOT.png
'use strict';
const path = require('path');
const { chromium } = require(path.join(__dirname, '..', '..', 'web', 'node_modules', 'playwright-core'));

const [reportPath, screenshot] = process.argv.slice(2);
if (!reportPath || !screenshot) {
  console.error('usage: node browser_test.cjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}

// What each chart must show, from the embedded data.
function expected(data, chart) {
  const uniq = (xs) => new Set(xs).size;
  if (chart.kind === 'curve') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    const rows = e.curves.filter((r) => r.metric === chart.metric);
    return { line: uniq(rows.map((r) => r.init)), area: uniq(rows.map((r) => r.init)), symbolItems: rows.length };
  }
  if (chart.kind === 'histogram') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    return { rectItems: e.histograms.length };
  }
  if (chart.kind === 'heatmap') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    return { rectItems: e.layer_stats.filter((r) => typeof r[chart.metric] === 'number' && r[chart.metric] > 0).length };
  }
  if (chart.kind === 'sweep-final') {
    const p = data.propagations.find((x) => x.id === chart.propagation);
    const rows = p.per_init.filter((r) => typeof r.sweep_value === 'number' && r.final_act_std > 0);
    return { line: 1, symbolItems: rows.length };
  }
  if (chart.kind === 'layers') {
    const p = data.propagations.find((x) => x.id === chart.propagation);
    const series = new Set();
    let measured = 0;
    for (const l of p.layers) {
      const s = chart.swept ? l.name : l.init;
      if (l.pre_std > 0) { series.add(`${s}/measured`); measured += 1; }
      if (typeof l.theory_std === 'number' && l.theory_std > 0) series.add(`${s}/mean-field`);
    }
    return { line: series.size, symbolItems: measured };
  }
  throw new Error(`unknown chart kind ${chart.kind}`);
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
  const url = 'file://' + path.resolve(reportPath);
  await page.goto(url);
  await page.waitForFunction(() => window.initlabReport && window.initlabReport.done, null, { timeout: 60000 });
  const result = await page.evaluate(() => {
    const r = window.initlabReport;
    // Marks of role 'mark' (not axes, legends, titles), per type: instances with items, and items.
    function count(view) {
      const c = {};
      (function walk(node) {
        if (!node) return;
        if (node.marktype) {
          if (/^(axis|legend|title)/.test(node.role || '')) return;
          if (node.role === 'mark' && node.items.length) {
            const k = node.marktype;
            c[k] = c[k] || { instances: 0, items: 0 };
            c[k].instances += 1;
            c[k].items += node.items.length;
          }
          for (const item of node.items) if (item.items) for (const child of item.items) walk(child);
        }
      })(view.scenegraph().root);
      return c;
    }
    return {
      data: JSON.parse(document.getElementById('report-data').textContent),
      errors: r.errors,
      charts: r.charts.map((c) => ({ ...c, counts: r.views[c.id] ? count(r.views[c.id]) : null, svg: !!document.querySelector(`#${c.id} svg`) })),
      fallbacks: document.querySelectorAll('details.fallback table').length,
    };
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  await browser.close();

  let failed = 0;
  const fail = (m) => { failed += 1; console.log(`FAIL: ${m}`); };
  for (const p of problems) fail(p);
  for (const u of requests) fail(`network request: ${u}`);
  for (const e of result.errors) fail(`chart error: ${e}`);
  if (result.charts.length === 0) fail('no charts');
  if (result.fallbacks !== result.charts.length) fail(`${result.fallbacks} fallback tables for ${result.charts.length} charts`);
  const kinds = new Set(result.charts.map((c) => c.kind));
  for (const k of ['curve', 'histogram', 'heatmap', 'sweep-final', 'layers']) if (!kinds.has(k)) fail(`no ${k} chart`);
  for (const c of result.charts) {
    if (!c.counts || !c.svg) { fail(`${c.id} (${c.title}) did not render`); continue; }
    const want = expected(result.data, c);
    const got = c.counts;
    const check = (what, value, wanted) => {
      if (wanted !== undefined && value !== wanted) fail(`${c.id} (${c.title}): ${what} ${value}, expected ${wanted}`);
    };
    check('line series', got.line ? got.line.instances : 0, want.line);
    check('band series', got.area ? got.area.instances : 0, want.area);
    check('points', got.symbol ? got.symbol.items : 0, want.symbolItems);
    check('rectangles', got.rect ? got.rect.items : 0, want.rectItems);
    console.log(`${c.id} ${c.kind}${c.metric ? ' ' + c.metric : ''}: ${JSON.stringify(got)}`);
  }
  console.log(`${result.charts.length} charts, ${requests.length} network requests, ${problems.length} console problems; screenshot ${screenshot}`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(`browser test failed: ${e.stack || e}`);
  process.exit(1);
});
