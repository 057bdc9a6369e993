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

// The curve charts' y range, as the report promises it (written here again, apart from report.js):
// sorted by final mean (the mean at each init's last epoch), the largest gap splits the inits; if
// it exceeds twice the spread of the group holding the best (its curves' extent over every epoch,
// lowest to highest seed), the others lie off the axis.
function expectedFit(rows, metric) {
  const higher = metric.endsWith('_acc');
  const inits = [...new Set(rows.map((r) => r.init))];
  const finals = inits.map((init) => rows.filter((r) => r.init === init).sort((a, b) => b.epoch - a.epoch)[0]);
  finals.sort((a, b) => a.mean - b.mean);
  let cut = -1, gap = 0;
  for (let i = 0; i + 1 < finals.length; ++i) if (finals[i + 1].mean - finals[i].mean > gap) { gap = finals[i + 1].mean - finals[i].mean; cut = i; }
  const all = { lo: Math.min(...rows.map((r) => r.lo)), hi: Math.max(...rows.map((r) => r.hi)) };
  const none = { outside: [], shown: rows, all };
  if (cut < 0) return none;
  const group = higher ? finals.slice(cut + 1) : finals.slice(0, cut + 1);
  const names = new Set(group.map((f) => f.init));
  const shown = rows.filter((r) => names.has(r.init));
  const lo = Math.min(...shown.map((r) => r.lo)), hi = Math.max(...shown.map((r) => r.hi));
  const outside = finals.filter((f) => !names.has(f.init));
  if (!(gap > 2 * (hi - lo))) return none;
  return { outside, shown, all };
}
function curveExpectation(rows, metric) {
  const inits = new Set(rows.map((r) => r.init)).size;
  const fit = expectedFit(rows, metric);
  const sides = new Set(fit.outside.map((f) => (f.mean < Math.min(...fit.shown.map((r) => r.lo)) ? 'below' : 'above')));
  const lo = Math.min(...fit.shown.map((r) => r.lo)), hi = Math.max(...fit.shown.map((r) => r.hi));
  return { line: inits, area: inits, symbolItems: rows.length, textItems: sides.size, fit, log: metric.endsWith('_loss') && lo > 0 && hi / lo > 10 };
}

// What each chart must show, from the embedded data.
function expected(data, chart) {
  const uniq = (xs) => new Set(xs).size;
  if (chart.kind === 'curve') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    return curveExpectation(e.curves.filter((r) => r.metric === chart.metric), chart.metric);
  }
  if (chart.kind === 'sweep-curve') {
    const slice = data.sweeps.find((x) => x.id === chart.sweep).slices[chart.slice];
    return curveExpectation(slice.curves.filter((r) => r.metric === chart.metric), chart.metric);
  }
  if (chart.kind === 'sweep-heatmap') {
    const cells = data.sweeps.find((x) => x.id === chart.sweep).slices[chart.slice].cells;
    // one colored rectangle per cell that has a value, a frame per chosen cell, a label per cell
    return { rectItems: cells.filter((c) => typeof c.validation_mean === 'number').length + cells.filter((c) => c.chosen).length, textItems: cells.length };
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
  if (chart.kind === 'recurrent-radius') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    const rows = e.recurrent.filter((r) => typeof r.spectral_radius === 'number');
    return { line: uniq(rows.map((r) => `${r.init}/${r.gate}`)), symbolItems: rows.length };
  }
  if (chart.kind === 'recurrent-gradient') {
    const e = data.experiments.find((x) => x.id === chart.experiment);
    const gate = e.recurrent[0].gate;
    const rows = e.recurrent.filter((r) => r.gate === gate && typeof r.grad_ratio === 'number' && r.grad_ratio > 0);
    return { line: uniq(rows.map((r) => r.init)), symbolItems: rows.length };
  }
  if (chart.kind === 'through-time-gradient' || chart.kind === 'through-time-hidden') {
    // One line and one band per init with a positive value (a log axis), over every step.
    const p = data.propagations.find((x) => x.id === chart.propagation);
    const key = chart.kind === 'through-time-gradient' ? 'grad_rms' : 'hidden_rms';
    const rows = p.steps.filter((r) => r.what === key && r.mean > 0 && r.lo > 0);
    return { line: uniq(rows.map((r) => r.init)), area: uniq(rows.map((r) => r.init)) };
  }
  if (chart.kind === 'coordcheck-size' || chart.kind === 'coordcheck-change') {
    // A panel per layer, a line per step within it, a point per (layer, width, step) with a positive value.
    const p = data.propagations.find((x) => x.id === chart.propagation);
    const key = chart.kind === 'coordcheck-size' ? 'size' : 'update';
    const rows = p.points.filter((r) => typeof r[key] === 'number' && r[key] > 0);
    return { line: uniq(rows.map((r) => `${r.layer}/${r.step}`)), symbolItems: rows.length };
  }
  if (chart.kind === 'sweep-tuned-curve') {
    // A line per slice (and init), a point per tuned value with a finished run.
    const sw = data.sweeps.find((x) => x.id === chart.sweep);
    const cells = sw.slices.flatMap((s) => s.cells.map((c) => ({ ...c, slice: JSON.stringify(s.fixed) })))
      .filter((c) => typeof c.train_loss === 'number' && c.train_loss > 0);
    return { line: uniq(cells.map((c) => `${c.slice}/${c.init}`)), symbolItems: cells.length };
  }
  if (chart.kind === 'reproduction') {
    // A line per series (measured or theory), a point per finite value (positive on a log axis).
    const p = data.propagations.find((x) => x.id === chart.propagation);
    const f = p.figures[chart.figure];
    const drawn = (s) => s.points.filter((q) => typeof q.x === 'number' && typeof q.y === 'number' && (!f.log_y || q.y > 0) && (!f.log_x || q.x > 0));
    const series = f.series.filter((s) => drawn(s).length);
    return { line: series.length, symbolItems: series.reduce((n, s) => n + drawn(s).length, 0) };
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
      charts: r.charts.map((c) => {
        const view = r.views[c.id];
        let y = null;
        try { y = view ? { domain: view.scale('y').domain(), type: view.scale('y').type } : null; } catch (e) { y = null; }
        return { ...c, counts: view ? count(view) : null, svg: !!document.querySelector(`#${c.id} svg`), y };
      }),
      fallbacks: document.querySelectorAll('details.fallback table').length,
      headlines: [...document.querySelectorAll('p.headline')].map((p) => p.textContent),
      formats: (() => {
        const f = r.format;
        return [
          [f.fmt(3e-4), '0.0003'], [f.fmt(9.5), '9.5'], [f.fmt(0.86487), '0.8649'], [f.fmt(1.2e-5), '1.2e-5'], [f.fmt(2500000), '2.5e6'],
          [f.fmt(12), '12'], [f.fmt(-0.1), '-0.1'], [f.fmt(123.456), '123.5'], [f.fmt(null), '-'], [f.fmt(0), '0'],
          [f.meanCi(0.86487, 0.0123), '0.865 ± 0.012'], [f.meanCi(0.86487, 0.0031), '0.8649 ± 0.0031'], [f.meanCi(912.4, 35.2), '912 ± 35'],
          [f.meanCi(0.5, null), '0.5'], [f.meanCi(0.5, 0), '0.5 ± 0'], [f.diffCi(0.021, 0.0043, 0.0377), '0.021 [0.004, 0.038]'],
        ].map(([got, want]) => ({ got, want }));
      })(),
      pairCaptions: [...document.querySelectorAll('caption')].map((c) => c.textContent).filter((t) => t.startsWith('Paired t-test on shared seeds')),
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
  for (const k of ['curve', 'histogram', 'heatmap', 'sweep-final', 'layers', 'sweep-heatmap', 'sweep-curve', 'through-time-gradient', 'through-time-hidden', 'recurrent-radius', 'recurrent-gradient',
    'coordcheck-size', 'coordcheck-change', 'sweep-tuned-curve', 'reproduction']) if (!kinds.has(k)) fail(`no ${k} chart`);
  for (const { got, want } of result.formats) if (got !== want) fail(`number format: got '${got}', expected '${want}'`);
  // A headline above every experiment and every tuned sweep slice; a caption on every pairs table.
  const sweeps = result.data.sweeps || [];
  const tunedSlices = sweeps.filter((s) => s.tuned.length).reduce((n, s) => n + s.slices.length, 0);
  const coordchecks = result.data.propagations.filter((p) => p.kind === 'coordcheck').length;
  const reproductions = result.data.propagations.filter((p) => p.kind === 'reproduction').length;
  const wantHeadlines = result.data.experiments.length + tunedSlices + coordchecks + reproductions;
  if (result.headlines.length !== wantHeadlines) fail(`${result.headlines.length} headlines, expected ${wantHeadlines}`);
  for (const e of result.data.experiments)
    if (!result.headlines.some((h) => h.includes(e.summary.headline))) fail(`experiment ${e.id}'s headline is not on the page`);
  const withPairs = result.data.experiments.filter((e) => e.summary.pairs.length).length +
    sweeps.filter((s) => s.tuned.length).reduce((n, s) => n + s.slices.filter((x) => x.summary.pairs.length).length, 0);
  if (result.pairCaptions.length !== withPairs) fail(`${result.pairCaptions.length} pairwise captions, expected ${withPairs}`);
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
    check('text labels', got.text ? got.text.items : 0, want.textItems);
    if (want.fit) {
      // The y axis: fitted to the group holding the best when the rule says so, else every value.
      const [d0, d1] = c.y ? c.y.domain : [NaN, NaN];
      const eps = 1e-9 * Math.max(1, Math.abs(d1));
      const inside = (v) => v >= d0 - eps && v <= d1 + eps;
      if (want.fit.outside.length) {
        for (const f of want.fit.outside) if (inside(f.mean)) fail(`${c.id} (${c.title}): ${f.init} (final ${f.mean}) should lie off the fitted axis [${d0}, ${d1}]`);
        for (const r of want.fit.shown) if (!inside(r.lo) || !inside(r.hi)) { fail(`${c.id} (${c.title}): ${r.init} epoch ${r.epoch} is cut by the axis [${d0}, ${d1}]`); break; }
        if (!c.fitted) fail(`${c.id} (${c.title}): the report does not say its axis is fitted`);
      } else {
        if (!inside(want.fit.all.lo) || !inside(want.fit.all.hi)) fail(`${c.id} (${c.title}): axis [${d0}, ${d1}] cuts values ${want.fit.all.lo}..${want.fit.all.hi}`);
        if (c.fitted) fail(`${c.id} (${c.title}): fitted though no init lies far from the rest`);
      }
      if ((c.y && c.y.type === 'log') !== want.log) fail(`${c.id} (${c.title}): y scale ${c.y && c.y.type}, expected ${want.log ? 'log' : 'linear'}`);
    }
    console.log(`${c.id} ${c.kind}${c.metric ? ' ' + c.metric : ''}${c.fitted ? ' (fitted)' : ''}${c.log ? ' (log)' : ''}: ${JSON.stringify(got)}`);
  }
  console.log(`${result.charts.length} charts, ${requests.length} network requests, ${problems.length} console problems; screenshot ${screenshot}`);
  process.exit(failed ? 1 : 0);
})().catch((e) => {
  console.error(`browser test failed: ${e.stack || e}`);
  process.exit(1);
});
