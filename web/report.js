// initlab's HTML report: builds the page from the JSON in #report-data (made by
// src/lab/report/report_data.cpp from a results database) with Vega-Lite, inlined with this
// script. Every chart has a table of its numbers next to it. window.initlabReport lists the
// charts and their Vega views (the browser test reads them) and turns `done` when all rendered.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const root = document.getElementById('report');
  const report = (window.initlabReport = { charts: [], views: {}, errors: [], done: false });
  const pending = [];

  // ---- small DOM helpers ---------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  function num(v, digits) {
    if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '-';
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential((digits || 4) - 1) : v.toPrecision(digits || 4);
  }
  function table(columns, rows, caption) {
    const t = el('table');
    if (caption) t.append(el('caption', {}, caption));
    const head = el('tr');
    for (const c of columns) head.append(el('th', { scope: 'col' }, c.label));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) tr.append(el('td', {}, c.format ? c.format(r[c.key], r) : num(r[c.key])));
      body.append(tr);
    }
    t.append(body);
    return t;
  }
  function fallback(columns, rows) {
    return el('details', { class: 'fallback' }, el('summary', {}, `Numbers behind this chart (${rows.length} rows)`), table(columns, rows));
  }
  function section(parent, title, id) {
    const s = el('section', id ? { id } : {});
    s.append(el('h2', {}, title));
    parent.append(s);
    return s;
  }

  // ---- charts ----------------------------------------------------------------------------
  // A series legend that toggles: click an entry to show only that series (shift-click adds).
  function pick(field) {
    return { name: 'pick', select: { type: 'point', fields: [field] }, bind: 'legend' };
  }
  const shown = (base) => ({ condition: { param: 'pick', value: base, empty: true }, value: 0.08 });

  function chart(parent, info, title, description, spec, rows, columns) {
    const id = `chart-${report.charts.length + 1}`;
    const fig = el('figure', { class: 'chart', id: `figure-${id}` });
    fig.append(el('figcaption', {}, title));
    if (description) fig.append(el('p', { class: 'desc' }, description));
    const holder = el('div', { class: 'vega', id, role: 'img', 'aria-label': `${title}. ${description || ''} The table below holds its numbers.` });
    fig.append(holder, fallback(columns, rows));
    parent.append(fig);
    report.charts.push(Object.assign({ id, title }, info));
    const options = { renderer: 'svg', actions: false, tooltip: true };
    pending.push(
      vegaEmbed(holder, spec, options)
        .then((result) => {
          report.views[id] = result.view;
        })
        .catch((error) => {
          report.errors.push(`${id}: ${error}`);
          holder.append(el('p', { class: 'error' }, `This chart could not be drawn (${error}); its numbers are in the table below.`));
          console.error(`initlab report: ${id}: ${error}`);
        })
    );
  }

  const metricLabel = {
    train_loss: 'training loss', test_loss: 'test loss', val_loss: 'validation loss',
    train_acc: 'training accuracy', test_acc: 'test accuracy', val_acc: 'validation accuracy',
  };

  function curveCharts(parent, e) {
    const inits = [...new Set(e.curves.map((r) => r.init))];
    for (const metric of ['train_loss', 'test_loss', 'val_loss', 'train_acc', 'test_acc', 'val_acc']) {
      const rows = e.curves.filter((r) => r.metric === metric);
      if (!rows.length) continue;
      const label = metricLabel[metric];
      const color = { field: 'init', type: 'nominal', title: 'init', sort: inits, legend: { symbolOpacity: 1, symbolType: 'stroke' } };
      const spec = {
        width: 520, height: 240,
        data: { values: rows },
        encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } }, color },
        layer: [
          { mark: { type: 'area', opacity: 0.18 }, encoding: { y: { field: 'lo', type: 'quantitative', title: label, scale: { zero: false } }, y2: { field: 'hi' }, opacity: shown(0.18) } },
          { params: [pick('init')], mark: { type: 'line', strokeWidth: 2 }, encoding: { y: { field: 'mean', type: 'quantitative' }, opacity: shown(1) } },
          {
            mark: { type: 'point', filled: true, size: 30 },
            encoding: {
              y: { field: 'mean', type: 'quantitative' }, opacity: shown(1),
              tooltip: [
                { field: 'init' }, { field: 'epoch' }, { field: 'mean', title: `mean ${label}`, format: '.4f' },
                { field: 'lo', title: 'lowest seed', format: '.4f' }, { field: 'hi', title: 'highest seed', format: '.4f' }, { field: 'n', title: 'seeds' },
              ],
            },
          },
        ],
      };
      chart(parent, { kind: 'curve', experiment: e.id, metric }, `${label[0].toUpperCase()}${label.slice(1)} per epoch`,
        'Mean over seeds (line); the band spans the lowest to the highest seed. Click a legend entry to show one init.', spec, rows, [
          { key: 'init', label: 'init' }, { key: 'epoch', label: 'epoch' }, { key: 'mean', label: 'mean' },
          { key: 'lo', label: 'lowest seed' }, { key: 'hi', label: 'highest seed' }, { key: 'n', label: 'seeds' },
        ]);
    }
  }

  function histogramChart(parent, e) {
    if (!e.histograms.length) return;
    const layers = [...new Set(e.histograms.map((r) => r.layer))];
    const spec = {
      data: { values: e.histograms },
      facet: {
        row: { field: 'layer', type: 'nominal', title: 'layer', sort: layers, header: { labelAngle: 0, labelAlign: 'left' } },
        column: { field: 'stage', type: 'nominal', title: null, sort: ['init', 'end'], header: { labelExpr: "datum.value == 'init' ? 'at initialization' : 'after training'" } },
      },
      spec: {
        width: 260, height: 100,
        params: [pick('init')],
        mark: { type: 'bar', binSpacing: 0 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'weight', scale: { zero: false } }, x2: { field: 'x1' },
          y: { field: 'count', type: 'quantitative', title: 'count' },
          color: { field: 'init', type: 'nominal', title: 'init', legend: { symbolOpacity: 1 } },
          opacity: shown(0.55),
          tooltip: [{ field: 'init' }, { field: 'layer' }, { field: 'stage' }, { field: 'x0', title: 'from', format: '.4g' }, { field: 'x1', title: 'to', format: '.4g' }, { field: 'count' }],
        },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    };
    chart(parent, { kind: 'histogram', experiment: e.id }, 'Weight distributions at initialization and after training',
      'Each init\'s first seed, 50 equal-width bins per layer.', spec, e.histograms, [
        { key: 'init', label: 'init' }, { key: 'layer', label: 'layer' }, { key: 'stage', label: 'stage' },
        { key: 'x0', label: 'from' }, { key: 'x1', label: 'to' }, { key: 'count', label: 'count' },
      ]);
  }

  function heatmaps(parent, e) {
    if (!e.layer_stats.length) return;
    const layers = [...new Set(e.layer_stats.map((r) => r.layer))];
    for (const [metric, label] of [['act_std', 'activation std'], ['grad_norm', 'gradient norm'], ['update_ratio', 'update / weight norm']]) {
      const rows = e.layer_stats.filter((r) => typeof r[metric] === 'number' && r[metric] > 0);
      const zero = e.layer_stats.length - rows.length;
      const spec = {
        data: { values: rows },
        facet: { row: { field: 'init', type: 'nominal', title: 'init', header: { labelAngle: 0, labelAlign: 'left', labelLimit: 180 } } },
        spec: {
          width: 560, height: { step: 18 },
          mark: 'rect',
          encoding: {
            x: { field: 'step', type: 'ordinal', title: 'step', axis: { labelOverlap: true } },
            y: { field: 'layer', type: 'ordinal', title: 'layer', sort: layers },
            color: { field: metric, type: 'quantitative', title: label, scale: { type: 'log', scheme: 'viridis' }, legend: { format: '.2g' } },
            tooltip: [{ field: 'init' }, { field: 'layer' }, { field: 'step' }, { field: 'epoch' }, { field: metric, title: label, format: '.4g' }],
          },
        },
      };
      chart(parent, { kind: 'heatmap', experiment: e.id, metric }, `Per-layer ${label} during training`,
        `The training monitor's snapshots of each init's first seed (log color scale${zero ? `; ${zero} zero or undefined values are in the table only` : ''}).`,
        spec, e.layer_stats, [
          { key: 'init', label: 'init' }, { key: 'step', label: 'step' }, { key: 'epoch', label: 'epoch' }, { key: 'layer', label: 'layer' },
          { key: 'weight_std', label: 'weight std' }, { key: 'act_std', label: 'activation std' }, { key: 'dead', label: 'dead' },
          { key: 'saturated', label: 'saturated' }, { key: 'grad_norm', label: 'gradient norm' }, { key: 'update_ratio', label: 'update / weight' },
        ]);
    }
  }

  // ---- experiments -------------------------------------------------------------------------
  function experiment(e) {
    const c = e.config || {};
    const s = section(root, `Experiment ${e.id}: ${e.kind} ${c.model || ''} on ${c.data || ''}`, `experiment-${e.id}`);
    const sum = e.summary;
    s.append(el('h3', {}, `Final ${sum.metric}, ranked`));
    s.append(table([
      { key: 'rank', label: 'rank' }, { key: 'init', label: 'init' },
      { key: 'mean', label: `${sum.metric} (mean)`, format: (v, r) => (r.finished ? num(v) : '-') },
      { key: 'ci95_half', label: '95% CI +-', format: (v) => (v === null ? 'n < 2' : num(v)) },
      { key: 'best_epoch', label: 'best epoch' },
      { key: 'epochs_to_target', label: `epochs to ${sum.higher_is_better ? '95%' : '105%'} of the best`, format: (v) => (v === null ? 'never' : num(v, 3)) },
      { key: 'diverged', label: 'diverged' }, { key: 'runs', label: 'runs' },
    ], sum.ranked.map((r, i) => Object.assign({ rank: i + 1 }, r)), `Target for "epochs to": ${num(sum.target)}`));
    if (sum.pairs.length) {
      s.append(el('h3', {}, "Pairwise differences (Welch's t-test, significant at p < 0.05)"));
      s.append(table([
        { key: 'a', label: 'init A' }, { key: 'b', label: 'init B' }, { key: 'difference', label: 'A - B' },
        { key: 't', label: 't' }, { key: 'dof', label: 'dof' }, { key: 'p', label: 'p' },
        { key: 'significant', label: 'verdict', format: (v, r) => (r.note ? 'too few seeds to tell' : v ? 'significant' : 'not significant') },
      ], sum.pairs));
    }
    curveCharts(s, e);
    histogramChart(s, e);
    heatmaps(s, e);
    if (e.warnings.length) {
      s.append(el('h3', {}, 'Monitor warnings'));
      const ul = el('ul', { class: 'warnings' });
      for (const w of e.warnings) ul.append(el('li', {}, `${w.init}: ${w.message}`));
      s.append(ul);
    }
    s.append(el('h3', {}, 'Reproducibility'));
    const seeds = [...new Set(e.runs.map((r) => r.seed))].join(', ');
    const versions = [...new Set(e.runs.map((r) => r.versions))].join(' | ');
    s.append(table([{ key: 'k', label: 'what', format: (v) => v }, { key: 'v', label: 'value', format: (v) => v }], [
      { k: 'command', v: e.command }, { k: 'created', v: e.created }, { k: 'seeds', v: seeds },
      { k: 'versions and machine', v: versions }, { k: 'configuration', v: JSON.stringify(c) },
    ]));
    s.append(table([
      { key: 'init', label: 'init' }, { key: 'seed', label: 'seed' }, { key: 'status', label: 'status' },
      { key: 'epochs', label: 'epochs' }, { key: 'diverged_epoch', label: 'diverged at', format: (v) => (v ? v : '-') },
    ], e.runs, 'Runs'));
  }

  // ---- propagation studies -------------------------------------------------------------------
  function propagation(p) {
    const c = p.config || {};
    const s = section(root, `Signal propagation ${p.id}: ${c.model || ''}, ${c.activation || ''}`, `propagation-${p.id}`);
    const swept = p.per_init.filter((r) => typeof r.sweep_value === 'number');
    if (swept.length) {
      const rows = swept.filter((r) => r.final_act_std > 0);
      chart(s, { kind: 'sweep-final', propagation: p.id }, 'Final-layer activation std against the init scale',
        'Log-log; one point per init of the sweep (the first seed). Zeros are in the table only.', {
          width: 520, height: 260, data: { values: rows },
          layer: [
            { mark: 'line', encoding: { x: { field: 'sweep_value', type: 'quantitative', scale: { type: 'log' }, title: 'init scale (swept value)' }, y: { field: 'final_act_std', type: 'quantitative', scale: { type: 'log' }, title: 'final-layer activation std', axis: { format: '.0e' } } } },
            { mark: { type: 'point', filled: true }, encoding: { x: { field: 'sweep_value', type: 'quantitative' }, y: { field: 'final_act_std', type: 'quantitative' }, color: { field: 'verdict', type: 'nominal', scale: { domain: ['vanishing', 'stable', 'exploding'], range: ['#4c78a8', '#54a24b', '#e45756'] } }, tooltip: [{ field: 'init' }, { field: 'final_act_std', format: '.4g' }, { field: 'verdict' }] } },
          ],
        }, swept, [{ key: 'init', label: 'init' }, { key: 'sweep_value', label: 'scale' }, { key: 'final_act_std', label: 'final act std' }, { key: 'verdict', label: 'verdict' }]);
    }
    // Per layer: measured pre-activation std and, where the theory applies, the mean-field one.
    const long = [];
    for (const l of p.layers) {
      const series = swept.length ? l.name : l.init;
      long.push({ init: l.init, sweep_value: l.sweep_value, layer: l.layer, name: l.name, series, source: 'measured', value: l.pre_std });
      if (typeof l.theory_std === 'number') long.push({ init: l.init, sweep_value: l.sweep_value, layer: l.layer, name: l.name, series, source: 'mean-field', value: l.theory_std });
    }
    const plotted = long.filter((r) => r.value > 0);
    const x = swept.length
      ? { field: 'sweep_value', type: 'quantitative', scale: { type: 'log' }, title: 'init scale (swept value)' }
      : { field: 'layer', type: 'quantitative', title: 'layer', axis: { tickMinStep: 1 } };
    const y = { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'pre-activation std', axis: { format: '.0e' } };
    const order = [...new Set(long.map((r) => r.series))];  // layers in network order, inits as given
    const color = { field: 'series', type: 'nominal', title: swept.length ? 'layer' : 'init', sort: order };
    chart(s, { kind: 'layers', propagation: p.id, swept: swept.length > 0 },
      swept.length ? 'Per-layer pre-activation std against the init scale' : 'Per-layer pre-activation std through depth',
      'Solid: measured (first seed); dashed: the mean-field prediction (plain MLPs only). Click a legend entry to show one series.', {
        width: 520, height: 280, data: { values: plotted },
        encoding: { x, y, color },
        layer: [
          { params: [pick('series')], mark: 'line', encoding: { strokeDash: { field: 'source', type: 'nominal', title: 'source', sort: ['measured', 'mean-field'] }, opacity: shown(1) } },
          { transform: [{ filter: "datum.source == 'measured'" }], mark: { type: 'point', filled: true, size: 25 }, encoding: { opacity: shown(1), tooltip: [{ field: 'init' }, { field: 'name', title: 'layer' }, { field: 'value', title: 'pre-activation std', format: '.4g' }] } },
        ],
      }, long, [{ key: 'init', label: 'init' }, { key: 'name', label: 'layer' }, { key: 'source', label: 'source' }, { key: 'value', label: 'pre-activation std' }]);
    s.append(table([
      { key: 'init', label: 'init' }, { key: 'final_act_std', label: 'final act std' }, { key: 'spread', label: 'spread over seeds' },
      { key: 'forward_ratio', label: 'forward ratio' }, { key: 'backward_ratio', label: 'backward ratio' }, { key: 'verdict', label: 'verdict' },
    ], p.per_init, p.thresholds ? `Verdict: vanishing below ${num(p.thresholds.vanishing_below)}, exploding above ${num(p.thresholds.exploding_above)}` : null));
    s.append(table([{ key: 'k', label: 'what', format: (v) => v }, { key: 'v', label: 'value', format: (v) => v }], [
      { k: 'command', v: p.command }, { k: 'created', v: p.created }, { k: 'versions and machine', v: p.versions }, { k: 'configuration', v: JSON.stringify(c) },
    ], 'Reproducibility'));
  }

  // ---- the page ----------------------------------------------------------------------------------
  const header = el('header', {}, el('h1', {}, 'initlab report'), el('p', {}, `From the results database ${data.source}.`));
  const toc = el('ul', { class: 'toc' });
  for (const e of data.experiments) toc.append(el('li', {}, el('a', { href: `#experiment-${e.id}` }, `Experiment ${e.id}: ${(e.config || {}).model || ''}`)));
  for (const p of data.propagations) toc.append(el('li', {}, el('a', { href: `#propagation-${p.id}` }, `Signal propagation ${p.id}: ${(p.config || {}).model || ''}`)));
  header.append(el('nav', { 'aria-label': 'contents' }, toc));
  root.append(header);
  for (const e of data.experiments) experiment(e);
  for (const p of data.propagations) propagation(p);
  Promise.all(pending).then(() => {
    report.done = true;
    document.body.setAttribute('data-ready', 'true');
  });
})();
