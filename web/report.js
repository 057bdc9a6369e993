// initlab's HTML report: builds the page from the JSON in #report-data (made by
// src/lab/report/report_data.cpp from a results database) with Vega-Lite, inlined with this
// script. Every chart has a table of its numbers next to it. window.initlabReport lists the
// charts and their Vega views (the browser test reads them) and turns `done` when all rendered.
// One number format everywhere (tables, tooltips, axis and legend labels, cell labels): fmt, and
// meanCi for a mean with its confidence interval; Vega calls fmt as the expression `initlab`.
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
  // Every number on the page: 4 significant digits with trailing zeros trimmed; an exponent only
  // below 1e-4 or from 1e6 (3e-4 is 0.0003, 1.2e-5 is 1.2e-5); integers below 1e6 as they are.
  function fmt(v) {
    if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '-';
    if (typeof v !== 'number') return String(v);
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a < 1e-4 || a >= 1e6) {
      const [m, e] = v.toExponential(3).split('e');
      return `${m.replace(/\.?0+$/, '')}e${Number(e)}`;
    }
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toPrecision(4)));
  }
  // v rounded to a multiple of 10^place, as text (place < 0: that many decimals).
  function fixedAt(v, place) {
    if (place < 0) return v.toFixed(Math.min(-place, 20));
    const q = Math.pow(10, place);
    return String(Math.round(v / q) * q);
  }
  // The power of ten of the second significant digit of a positive number.
  const secondDigit = (x) => Math.floor(Math.log10(x)) - 1;
  // A mean and its 95% CI half-width, both to the decimal place of the CI's second significant
  // digit: 0.8649 +- 0.0123 prints as "0.865 ± 0.012". No CI (one seed): the mean alone.
  function meanCi(mean, half) {
    if (typeof mean !== 'number' || !isFinite(mean)) return '-';
    if (half === 0) return `${fmt(mean)} ± 0`;
    if (typeof half !== 'number' || !(half > 0) || !isFinite(half)) return fmt(mean);
    const place = secondDigit(half);
    return `${fixedAt(mean, place)} ± ${fixedAt(half, place)}`;
  }
  // A difference and its 95% CI, to the decimal place of the CI half-width's second digit.
  function diffCi(d, lo, hi) {
    if (typeof d !== 'number' || !isFinite(d)) return '-';
    const half = (hi - lo) / 2;
    if (!(half > 0) || !isFinite(half)) return `${fmt(d)} (no spread)`;
    const place = secondDigit(half);
    return `${fixedAt(d, place)} [${fixedAt(lo, place)}, ${fixedAt(hi, place)}]`;
  }
  const num = fmt;
  report.format = { fmt, meanCi, diffCi };  // for the browser test
  function table(columns, rows, caption) {
    const t = el('table');
    if (caption) t.append(el('caption', {}, caption));
    const head = el('tr');
    for (const c of columns) head.append(el('th', { scope: 'col' }, c.label));
    t.append(el('thead', {}, head));
    const body = el('tbody');
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) {
        const v = c.format ? c.format(r[c.key], r) : num(r[c.key]);
        // Long unbroken text (a configuration's JSON) may wrap anywhere; short cells (names,
        // numbers, a difference with its CI) stay on one line.
        tr.append(el('td', typeof v === 'string' && v.length > 60 ? { class: 'long' } : typeof v === 'string' && v.length <= 24 ? { class: 'short' } : {}, v));
      }
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
  // What the numbers support, in words (the summary's headline), above everything else.
  function headline(parent, text) {
    parent.append(el('p', { class: 'headline', role: 'note' }, el('strong', {}, 'In short: '), text || 'no run has finished yet'));
  }
  const list = (xs) => xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

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
    // Axis and legend labels, text marks and tooltips of numbers all go through fmt.
    spec.config = Object.assign({ customFormatTypes: true, numberFormatType: 'initlab' }, spec.config || {});
    const options = { renderer: 'svg', actions: false, tooltip: true, expressionFunctions: { initlab: (v) => fmt(v) } };
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

  // The y range of a curve chart, so that an init far from the others (zeros at chance) does not
  // squash them. Each init's final value is its mean at its last epoch. Sorted, the largest gap
  // between neighbours splits the inits in two; when that gap is more than twice the spread of the
  // group holding the best (its curves' whole extent: every epoch, lowest to highest seed), the
  // axis is fitted to that group (domain + clamp) and the others are named as outside, with their
  // final means. (The others then end outside the group's extent, and the group fills at most a
  // third of the unfitted axis.) Losses whose plotted values span more
  // than a decade get a log scale.
  function curveRange(rows, metric) {
    const higher = metric.endsWith('_acc');
    const inits = [...new Set(rows.map((r) => r.init))];
    const finals = inits.map((init) => {
      const last = rows.filter((r) => r.init === init).reduce((x, y) => (y.epoch > x.epoch ? y : x));
      return { init, mean: last.mean, lo: last.lo, hi: last.hi };
    });
    const range = (rs) => [Math.min(...rs.map((r) => r.lo)), Math.max(...rs.map((r) => r.hi))];
    const out = { domain: null, log: false, group: inits, outside: [] };
    let shown = rows;
    const sorted = [...finals].sort((x, y) => x.mean - y.mean);
    let cut = -1, gap = 0;
    for (let i = 0; i + 1 < sorted.length; ++i)
      if (sorted[i + 1].mean - sorted[i].mean > gap) { gap = sorted[i + 1].mean - sorted[i].mean; cut = i; }
    if (cut >= 0) {
      const group = higher ? sorted.slice(cut + 1) : sorted.slice(0, cut + 1);
      const names = new Set(group.map((f) => f.init));
      const inGroup = rows.filter((r) => names.has(r.init));
      const [glo, ghi] = range(inGroup);
      const spread = ghi - glo;
      const others = finals.filter((f) => !names.has(f.init));
      if (gap > 2 * spread) {
        shown = inGroup;
        out.group = inits.filter((i) => names.has(i));
        out.outside = others.map((f) => ({ init: f.init, final: f.mean, side: f.mean < glo ? 'below' : 'above' }));
        out.gap = gap;
        out.spread = spread;
      }
    }
    const [lo, hi] = range(shown);
    out.log = !higher && lo > 0 && hi / lo > 10;
    if (out.outside.length) {
      if (out.log) out.domain = [lo / 1.15, hi * 1.15];
      else {
        const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 0.01;
        out.domain = [lo - pad, hi + pad];
        if (higher) out.domain = [Math.max(0, out.domain[0]), Math.min(1, out.domain[1])];
      }
    }
    return out;
  }
  // Labels of a log axis over [lo, hi], written by fmt (0.001, 1e-5, 100): the decades only when
  // it spans more than three, else 1, 2 and 5 times a power of ten, else (within a decade) every tick.
  function logLabels(lo, hi) {
    const decades = Math.log10(hi / lo);
    const mantissa = 'datum.value / pow(10, floor(log(datum.value) / LN10 + 1e-9))';
    if (!(lo > 0) || !(decades > 1)) return "initlab(datum.value)";
    if (decades > 3) return `abs(${mantissa} - 1) < 1e-6 ? initlab(datum.value) : ''`;
    return `(abs(${mantissa} - 1) < 1e-6 || abs(${mantissa} - 2) < 1e-6 || abs(${mantissa} - 5) < 1e-6) ? initlab(datum.value) : ''`;
  }
  const positive = (xs) => xs.filter((v) => typeof v === 'number' && v > 0);
  const logAxisOf = (xs) => ({ labelExpr: logLabels(Math.min(...positive(xs)), Math.max(...positive(xs))) });

  // Whole epochs on the x axis (Vega-Lite's tickMinStep is lost in layered charts): at most 12.
  function epochTicks(rows) {
    const lo = Math.min(...rows.map((r) => r.epoch)), hi = Math.max(...rows.map((r) => r.epoch));
    const step = Math.max(1, Math.ceil((hi - lo + 1) / 12));
    const ticks = [];
    for (let e = lo; e <= hi; e += step) ticks.push(e);
    return ticks;
  }

  // Curves per epoch (mean over seeds, min-max band) of `curves`' rows for each of `metrics`.
  // info: what the browser test needs to find the rows again (kind, experiment or sweep/slice).
  function curveCharts(parent, info, curves, metrics, note) {
    const inits = [...new Set(curves.map((r) => r.init))];
    for (const metric of metrics) {
      const rows = curves.filter((r) => r.metric === metric);
      if (!rows.length) continue;
      const label = metricLabel[metric];
      const fit = curveRange(rows, metric);
      const color = { field: 'init', type: 'nominal', title: 'init', sort: inits, legend: { symbolOpacity: 1, symbolType: 'stroke', labelLimit: 220 } };
      const y = { type: 'quantitative', title: label, scale: { zero: false, type: fit.log ? 'log' : 'linear' } };
      if (fit.domain) Object.assign(y.scale, { domain: fit.domain, clamp: true, nice: false });
      if (fit.log) y.axis = logAxisOf(fit.domain || rows.flatMap((r) => [r.lo, r.hi]));
      const layer = [
        { mark: { type: 'area', opacity: 0.18 }, encoding: { y: Object.assign({ field: 'lo' }, y), y2: { field: 'hi' }, opacity: shown(0.18) } },
        { params: [pick('init')], mark: { type: 'line', strokeWidth: 2 }, encoding: { y: Object.assign({ field: 'mean' }, y), opacity: shown(1) } },
        {
          mark: { type: 'point', filled: true, size: 30 },
          encoding: {
            y: Object.assign({ field: 'mean' }, y), opacity: shown(1),
            tooltip: [
              { field: 'init' }, { field: 'epoch', type: 'quantitative' }, { field: 'mean', type: 'quantitative', title: `mean ${label}` },
              { field: 'lo', type: 'quantitative', title: 'lowest seed' }, { field: 'hi', type: 'quantitative', title: 'highest seed' }, { field: 'n', type: 'quantitative', title: 'seeds' },
            ],
          },
        },
      ];
      let description = `Mean over seeds (line); the band spans the lowest to the highest seed.${note ? ` ${note}` : ''} Click a legend entry to show one init.`;
      if (fit.outside.length) {
        // Name what lies outside the fitted axis, where the reader looks: a line of text at its edge.
        const last = Math.max(...rows.map((r) => r.epoch));
        const marks = [];
        for (const side of ['below', 'above']) {
          const these = fit.outside.filter((o) => o.side === side);
          if (!these.length) continue;
          marks.push({ epoch: last, mean: side === 'below' ? fit.domain[0] : fit.domain[1], side,
            text: `${side === 'below' ? '↓' : '↑'} ${these.map((o) => `${o.init} ends at ${fmt(o.final)}`).join('; ')} (off the axis)` });
        }
        for (const side of ['below', 'above'])
          if (marks.some((m) => m.side === side))
            layer.push({
              data: { values: marks.filter((m) => m.side === side) },
              mark: { type: 'text', align: 'right', baseline: side === 'below' ? 'bottom' : 'top', dy: side === 'below' ? -4 : 4, fontSize: 11, fontStyle: 'italic' },
              encoding: { y: Object.assign({ field: 'mean' }, y), text: { field: 'text' }, color: { value: '#444' } },
            });
        description += ` The y axis is fitted to ${list(fit.group)}${fit.group.length > 1 ? ', the group holding the best' : ', the best'}. ` +
          `Off the axis, drawn at its edge: ${fit.outside.map((o) => `${o.init} (final mean ${fmt(o.final)}, ${o.side})`).join(', ')}: the gap of ${fmt(fit.gap)} ` +
          `to ${fit.outside.length === 1 ? 'it' : 'them'} is more than twice the spread of ${fit.group.length === 1 ? 'its curve' : 'their curves'}, ${fmt(fit.spread)} ` +
          '(every epoch, lowest to highest seed). Their values are in the table below.';
      }
      if (fit.log) description += ' Log scale: the values span more than a decade.';
      const spec = {
        width: 520, height: 240,
        data: { values: rows },
        encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { values: epochTicks(rows) } }, color },
        layer,
      };
      chart(parent, Object.assign({ metric, fitted: fit.outside.length > 0, log: fit.log }, info), `${label[0].toUpperCase()}${label.slice(1)} per epoch`,
        description, spec, rows, [
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
          tooltip: [{ field: 'init' }, { field: 'layer' }, { field: 'stage' }, { field: 'x0', type: 'quantitative', title: 'from' }, { field: 'x1', type: 'quantitative', title: 'to' }, { field: 'count', type: 'quantitative' }],
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
            color: { field: metric, type: 'quantitative', title: label, scale: { type: 'log', scheme: 'viridis' } },
            tooltip: [{ field: 'init' }, { field: 'layer' }, { field: 'step' }, { field: 'epoch' }, { field: metric, type: 'quantitative', title: label }],
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

  // The monitor on a recurrent layer: weight_hh's spectral radius per gate block, and what of the
  // last step's gradient reaches step 1, over training (each init's first seed).
  function recurrentCharts(parent, e) {
    const rec = e.recurrent || [];
    if (!rec.length) return;
    const inits = [...new Set(rec.map((r) => r.init))];
    const gates = [...new Set(rec.map((r) => r.gate))];
    const color = { field: 'init', type: 'nominal', title: 'init', sort: inits, legend: { symbolOpacity: 1, symbolType: 'stroke', labelLimit: 220 } };
    const x = { field: 'step', type: 'quantitative', title: 'training step' };
    const radius = rec.filter((r) => typeof r.spectral_radius === 'number');
    chart(parent, { kind: 'recurrent-radius', experiment: e.id, series: uniqCount(radius.map((r) => `${r.init}/${r.gate}`)) }, 'Recurrent weights: spectral radius during training',
      `The largest |eigenvalue| of each gate block of weight_hh (${gates.join(', ')}; one dash per block), at every monitor snapshot of each init's first seed. Click a legend entry to show one init.`, {
        width: 560, height: 260, data: { values: radius },
        mark: { type: 'line', point: { filled: true, size: 18 } },
        params: [pick('init')],
        encoding: { x, y: { field: 'spectral_radius', type: 'quantitative', title: 'spectral radius of weight_hh', scale: { zero: false } }, color,
          strokeDash: { field: 'gate', type: 'nominal', title: 'gate block', sort: gates }, detail: { field: 'gate' }, opacity: shown(1),
          tooltip: [{ field: 'init' }, { field: 'gate' }, { field: 'step', type: 'quantitative' }, { field: 'spectral_radius', type: 'quantitative', title: 'spectral radius' }, { field: 'max_singular', type: 'quantitative', title: 'largest singular value' }] },
      }, rec, [
        { key: 'init', label: 'init' }, { key: 'step', label: 'step' }, { key: 'epoch', label: 'epoch' }, { key: 'gate', label: 'gate block' },
        { key: 'spectral_radius', label: 'spectral radius' }, { key: 'max_singular', label: 'largest s' }, { key: 'min_singular', label: 'smallest s' },
        { key: 'grad_ratio', label: 'grad ratio' }, { key: 'hidden_ratio', label: 'hidden ratio' },
      ]);
    const first = rec.filter((r) => r.gate === gates[0]);
    const ratios = first.filter((r) => typeof r.grad_ratio === 'number' && r.grad_ratio > 0);
    if (!ratios.length) return;
    const zero = [...new Set(first.filter((r) => !(r.grad_ratio > 0)).map((r) => r.init))];
    const ys = ratios.map((r) => r.grad_ratio);
    chart(parent, { kind: 'recurrent-gradient', experiment: e.id, series: uniqCount(ratios.map((r) => r.init)) }, 'Gradient through time during training',
      'rms dL/dh_1 / rms dL/dh_T on the snapshot\'s batch (L: the last step\'s prediction against a random cotangent): what of the last step\'s gradient reaches the first step. Log scale.' +
        (zero.length ? ` Zero or undefined at some snapshots (in the table only): ${zero.join(', ')}.` : ''), {
        width: 560, height: 260, data: { values: ratios },
        mark: { type: 'line', point: { filled: true, size: 18 } },
        params: [pick('init')],
        encoding: { x, y: { field: 'grad_ratio', type: 'quantitative', title: 'gradient at step 1 / at the last step', scale: { type: 'log' }, axis: logAxisOf(ys) }, color, opacity: shown(1),
          tooltip: [{ field: 'init' }, { field: 'step', type: 'quantitative' }, { field: 'grad_ratio', type: 'quantitative', title: 'grad ratio' }, { field: 'hidden_ratio', type: 'quantitative', title: 'hidden ratio' }] },
      }, first, [{ key: 'init', label: 'init' }, { key: 'step', label: 'step' }, { key: 'epoch', label: 'epoch' }, { key: 'grad_ratio', label: 'grad ratio' }, { key: 'hidden_ratio', label: 'hidden ratio' }]);
  }
  const uniqCount = (xs) => new Set(xs).size;

  // ---- summaries: ranked table and pairwise tests ------------------------------------------------
  // extra: columns inserted after the init (e.g. the chosen value of a sweep's tuned keys).
  function rankedTable(parent, sum, extra) {
    parent.append(el('h3', {}, `Final ${sum.metric}, ranked`));
    parent.append(table([
      { key: 'rank', label: 'rank' }, { key: 'init', label: 'init' }, ...(extra || []),
      { key: 'mean', label: `${sum.metric} (mean ± 95% CI)`,
        format: (v, r) => (!r.finished ? 'no finished run' : r.ci95_half === null ? `${fmt(v)} (1 seed: no CI)` : meanCi(v, r.ci95_half)) },
      { key: 'best_epoch', label: 'best epoch' },
      { key: 'epochs_to_target', label: `epochs to ${sum.higher_is_better ? '95%' : '105%'} of the best`, format: (v) => (v === null ? 'never' : fmt(v)) },
      { key: 'diverged', label: 'diverged' }, { key: 'runs', label: 'runs' },
    ], sum.ranked.map((r, i) => Object.assign({ rank: i + 1 }, r)), `Target for "epochs to": ${fmt(sum.target)}`));
  }

  function pairsTable(parent, sum) {
    if (!sum.pairs.length) return;
    const tested = sum.pairs.filter((p) => p.test).length;
    parent.append(el('h3', {}, 'Pairwise differences'));
    parent.append(table([
      { key: 'a', label: 'init A' }, { key: 'b', label: 'init B' },
      { key: 'test', label: 'test', format: (v) => (v === 'paired' ? 'paired t' : v === 'welch' ? 'Welch t' : '-') },
      { key: 'n', label: 'n', format: (v, r) => (r.test ? `${fmt(v)} ${r.test === 'paired' ? (v === 1 ? 'seed' : 'seeds') : 'per init'}` : '-') },
      { key: 'difference', label: 'A - B [95% CI]', format: (v, r) => (r.test ? diffCi(v, r.ci95_lo, r.ci95_hi) : '-') },
      { key: 'p', label: 'p' }, { key: 'p_holm', label: 'p (Holm)' },
      { key: 'effect_size', label: 'effect size', format: (v, r) => (!r.test ? '-' : v === null ? 'no spread' : `${fmt(v)} (${r.test === 'paired' ? 'd_z' : 'd'})`) },
      { key: 'seeds_for_80_power', label: 'seeds for 80% power', format: (v, r) => (!r.test ? '-' : typeof v === 'number' ? fmt(v)
        : r.difference === 0 ? 'no difference to detect' : r.ci95_hi === r.ci95_lo ? 'no spread measured' : 'over 100000') },
      { key: 'significant', label: 'verdict', format: (v, r) => (!r.test ? 'too few seeds to tell' : v ? `${r.a} ${sum.higher_is_better ? 'higher' : 'lower'}` : 'within noise') },
    ], sum.pairs, `Paired t-test on shared seeds (Welch otherwise), p Holm-corrected over the ${tested} pair${tested === 1 ? '' : 's'}; ` +
      "verdict \"A higher\" (or lower): Holm-corrected p < 0.05. Effect size: Cohen's d_z (paired) or d (Welch). Seeds for 80% power: about how many seeds " +
      'would detect a difference this large at this spread.'));
  }

  // ---- experiments -------------------------------------------------------------------------
  function settingsText(settings) {
    return Object.entries(settings || {}).map(([k, v]) => `${k}=${v}`).join(', ');
  }
  // A grid point's title names only the sweep's axes (the keys with several values).
  function experimentTitle(e) {
    const c = e.config || {};
    const where = (e.in_sweeps || []).map((w) => {
      const sw = (data.sweeps || []).find((x) => x.id === w.sweep);
      const axes = sw && sw.config ? (sw.config.settings || []).filter((x) => x.values.length > 1).map((x) => x.key) : Object.keys(w.settings || {});
      const point = settingsText(Object.fromEntries(Object.entries(w.settings || {}).filter(([k]) => axes.includes(k))));
      return `${point || `point ${w.point}`} of sweep ${w.sweep}`;
    });
    return `Experiment ${e.id}: ${e.kind} ${c.model || ''} on ${c.data || ''}${where.length ? ` (${where.join('; ')})` : ''}`;
  }
  function experiment(e) {
    const c = e.config || {};
    const s = section(root, experimentTitle(e), `experiment-${e.id}`);
    const sum = e.summary;
    headline(s, sum.headline);
    for (const w of e.in_sweeps || [])
      s.append(el('p', { class: 'desc' }, 'One grid point of ', el('a', { href: `#sweep-${w.sweep}` }, `sweep ${w.sweep} (${w.name})`), `: ${settingsText(w.settings)}.`));
    rankedTable(s, sum);
    pairsTable(s, sum);
    curveCharts(s, { kind: 'curve', experiment: e.id }, e.curves, ['train_loss', 'test_loss', 'val_loss', 'train_acc', 'test_acc', 'val_acc']);
    histogramChart(s, e);
    heatmaps(s, e);
    recurrentCharts(s, e);
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

  // ---- sweeps ------------------------------------------------------------------------------------
  const shownExperiments = new Set(data.experiments.map((e) => e.id));
  function experimentLink(id, text) {
    return shownExperiments.has(id) ? el('a', { href: `#experiment-${id}` }, text) : el('span', {}, `${text} (not in this report)`);
  }

  // The mean validation metric over (init x tuned value); each cell labelled, the chosen ones framed.
  function sweepHeatmap(parent, sw, slice, k, order) {
    const higher = sw.validation_metric.endsWith('accuracy');
    const cells = slice.cells.map((c) => Object.assign({}, c, { value: c.validation_mean }));
    const valued = cells.filter((c) => typeof c.value === 'number');
    // The color scale gets the same treatment as the curves' y axis: an init far from the rest
    // (by its best value) does not wash out the others; it takes the end color, its label says the value.
    const finals = order.map((init) => {
      const vs = valued.filter((c) => c.init === init).map((c) => c.value);
      const best = vs.length ? (higher ? Math.max(...vs) : Math.min(...vs)) : null;
      return { init, mean: best, lo: best, hi: best };
    }).filter((f) => f.mean !== null);
    const asRows = valued.map((c) => ({ init: c.init, epoch: 0, mean: c.value, lo: c.value, hi: c.value }))
      .concat(finals.map((f) => ({ init: f.init, epoch: 1, mean: f.mean, lo: f.mean, hi: f.mean })));
    const fit = curveRange(asRows, higher ? 'x_acc' : 'x_loss');
    const inDomain = valued.filter((c) => fit.group.includes(c.init)).map((c) => c.value);
    const [dlo, dhi] = fit.outside.length ? [Math.min(...inDomain), Math.max(...inDomain)] : [Math.min(...valued.map((c) => c.value)), Math.max(...valued.map((c) => c.value))];
    for (const c of cells) {
      c.off = typeof c.value === 'number' && fit.outside.length > 0 && (c.value < dlo || c.value > dhi);
      const t = typeof c.value === 'number' ? (dhi > dlo ? Math.min(1, Math.max(0, (c.value - dlo) / (dhi - dlo))) : 0.5) : 1;
      const good = higher ? t : 1 - t;  // viridis: dark for the worse end
      c.ink = good < 0.55 && !c.off ? 'white' : 'black';
      c.text = typeof c.value === 'number' ? `${c.chosen ? '★ ' : ''}${fmt(c.value)}` : `not run (0/${c.runs})`;
    }
    const colorScale = { scheme: 'viridis', reverse: !higher, zero: false };
    if (fit.outside.length) Object.assign(colorScale, { domain: [dlo, dhi], clamp: true });
    const x = { field: 'label', type: 'ordinal', title: sw.tuned.length === 1 ? sw.tuned[0] : sw.tuned.join(', '), sort: { field: 'order' }, axis: { labelAngle: 0 } };
    const y = { field: 'init', type: 'nominal', title: 'init', sort: order, axis: { labelLimit: 220 } };
    const spec = {
      width: { step: 86 }, height: { step: 30 },
      data: { values: cells },
      encoding: { x, y },
      layer: [
        {
          transform: [{ filter: 'isValid(datum.value)' }],
          mark: 'rect',
          encoding: {
            color: { condition: { test: 'datum.off', value: '#d4d4d4' }, field: 'value', type: 'quantitative', title: `mean ${sw.validation_metric}`, scale: colorScale },
            tooltip: [{ field: 'init' }, { field: 'label', title: x.title }, { field: 'value', type: 'quantitative', title: `mean ${sw.validation_metric}` },
              { field: 'finished', type: 'quantitative', title: 'finished runs' }, { field: 'chosen' }],
          },
        },
        { transform: [{ filter: 'datum.chosen' }], mark: { type: 'rect', filled: false, stroke: '#d62728', strokeWidth: 3 } },
        { mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'text' }, color: { condition: { test: "datum.ink == 'white'", value: 'white' }, value: 'black' } } },
      ],
    };
    let description = `Mean ${sw.validation_metric} over seeds at the last epoch, per init and value of ${x.title}; ★ and a red frame: the value chosen for that init ` +
      `(the ${higher ? 'highest' : 'lowest'} mean).`;
    if (fit.outside.length)
      description += ` The color scale is fitted to ${list(fit.group)}; grey: ${fit.outside.map((o) => `${o.init} (best ${fmt(o.final)}, ${o.side} the scale)`).join(', ')}, ` +
        'far from the rest. Every cell is labelled with its value.';
    chart(parent, { kind: 'sweep-heatmap', sweep: sw.id, slice: k }, `${sw.validation_metric[0].toUpperCase()}${sw.validation_metric.slice(1)} over init and ${x.title}`,
      description, spec, slice.cells, [
        { key: 'init', label: 'init' }, { key: 'label', label: x.title }, { key: 'validation_mean', label: `mean ${sw.validation_metric}` },
        { key: 'finished', label: 'finished' }, { key: 'runs', label: 'runs' }, { key: 'chosen', label: 'chosen', format: (v) => (v ? 'chosen' : '') },
      ]);
  }

  // One numeric tuned key (lr) over several slices: the final training loss against it, one line
  // per model (the width; else per value of the first untuned key), a panel per value of the
  // others (--param) and per init: where each line's minimum sits is what μP's learning-rate transfer is about.
  function tunedCurve(parent, sw) {
    if (sw.tuned.length !== 1 || sw.slices.length < 2) return;
    const key = sw.tuned[0];
    const rows = [];
    for (const slice of sw.slices) {
      // The model (the width) makes the lines when it varies; the other untuned keys make panels.
      const keys = Object.keys(slice.fixed).sort((a, b) => (b === 'model') - (a === 'model'));
      const line = keys.length ? `${keys[0]}=${slice.fixed[keys[0]]}` : 'all';
      const panelParts = keys.slice(1).map((k) => `${k}=${slice.fixed[k]}`);
      for (const c of slice.cells) {
        const x = Number(c.tuned[key]);
        if (!isFinite(x) || x <= 0 || typeof c.train_loss !== 'number' || !(c.train_loss > 0)) continue;
        const inits = new Set(slice.cells.map((d) => d.init));
        rows.push({ line, panel: panelParts.concat(inits.size > 1 ? [c.init] : []).join(', ') || 'all', x, loss: c.train_loss, diverged: c.diverged, finished: c.finished });
      }
    }
    if (rows.length < 2) return;
    const lines = [...new Set(rows.map((r) => r.line))];
    const spec = {
      data: { values: rows },
      facet: { field: 'panel', type: 'nominal', title: null },
      columns: 2,
      spec: {
        width: 320, height: 220,
        layer: [
          { mark: { type: 'line', point: true }, encoding: {
            x: { field: 'x', type: 'quantitative', scale: { type: 'log', base: 2 }, title: key },
            y: { field: 'loss', type: 'quantitative', scale: { type: 'log', nice: false }, title: 'final training loss (mean over seeds)' },
            color: { field: 'line', type: 'nominal', title: null, sort: lines },
            tooltip: [{ field: 'line' }, { field: 'panel' }, { field: 'x', type: 'quantitative', title: key }, { field: 'loss', type: 'quantitative', title: 'training loss' },
              { field: 'finished', type: 'quantitative', title: 'finished runs' }, { field: 'diverged', type: 'quantitative', title: 'diverged runs' }] } },
        ],
      },
      resolve: { scale: { y: 'shared' } },
    };
    chart(parent, { kind: 'sweep-tuned-curve', sweep: sw.id }, `Final training loss against ${key}`,
      `One line per ${lines.length > 1 ? lines[0].split('=')[0] : 'slice'}; diverged runs are left out (the tooltip counts them). Where a line has its minimum is the best ${key} there.`,
      spec, rows, [{ key: 'panel', label: 'panel' }, { key: 'line', label: 'line' }, { key: 'x', label: key }, { key: 'loss', label: 'training loss' }, { key: 'diverged', label: 'diverged' }]);
  }

  function sweep(sw) {
    const c = sw.config || {};
    const s = section(root, `Sweep ${sw.id}: ${sw.name}`, `sweep-${sw.id}`);
    const axes = (c.settings || []).filter((x) => x.values.length > 1);
    const fixedSettings = (c.settings || []).filter((x) => x.values.length === 1);
    const tunedText = sw.tuned.join(', ');
    s.append(el('p', { class: 'desc' },
      `Grid: ${axes.length ? axes.map((x) => `${x.key} in {${x.values.join(', ')}}`).join(' x ') : 'one point'}; inits ${(c.inits || []).join(', ')}; ` +
      `${c.seeds} seed${c.seeds === 1 ? '' : 's'} each. ` +
      (sw.tuned.length ? `${tunedText} is tuned per init: the value with the best mean ${sw.validation_metric} over seeds is chosen, and the tables report the test metric there.`
        : 'No key is tuned: each grid point is compared at its fixed settings.')));
    if (fixedSettings.length) s.append(el('p', { class: 'desc' }, `Fixed: ${fixedSettings.map((x) => `${x.key}=${x.values[0]}`).join(', ')}.`));
    if (!sw.tuned.length) {
      // Untuned: each slice is one grid point, whose experiment has its own section.
      const keys = axes.map((x) => x.key);
      const t = table([
        ...keys.map((key) => ({ key, label: key, format: (v, r) => r.fixed[key] })),
        { key: 'best', label: 'first', format: (v, r) => (r.summary.ranked.length ? r.summary.ranked[0].init : '-') },
        { key: 'mean', label: 'its final metric (mean ± 95% CI)', format: (v, r) => {
          const b = r.summary.ranked[0];
          return b && b.finished ? `${meanCi(b.mean, b.ci95_half)} (${r.summary.metric})` : '-';
        } },
        { key: 'headline', label: 'in short', format: (v) => v },
        { key: 'experiments', label: 'experiment', format: (v) => {
          const span = el('span');
          for (const id of v) span.append(experimentLink(id, `experiment ${id}`), ' ');
          return span;
        } },
      ], sw.slices, 'One row per grid point; each point\'s curves, tables and statistics are in its experiment\'s section.');
      s.append(t);
    }
    tunedCurve(s, sw);
    sw.slices.forEach((slice, k) => {
      if (!sw.tuned.length) return;
      const fixed = settingsText(slice.fixed);
      const parent = fixed ? el('div', { class: 'slice' }) : s;
      if (fixed) {
        s.append(parent);
        parent.append(el('h3', { class: 'slice-title' }, `At ${fixed}`));
      }
      headline(parent, slice.headline);
      const order = slice.summary.ranked.map((r) => r.init).concat(slice.choices.map((ch) => ch.init)).filter((v, i, a) => a.indexOf(v) === i);
      const chosen = order.map((init) => slice.choices.find((ch) => ch.init === init)).filter((ch) => ch && ch.chosen_label !== null)
        .map((ch) => `${ch.init} ${ch.chosen_label}`);
      if (chosen.length) parent.append(el('p', { class: 'desc' }, `Chosen ${tunedText}: ${chosen.join('; ')}.`));
      sweepHeatmap(parent, sw, slice, k, order);
      const chosenOf = Object.fromEntries(slice.choices.map((ch) => [ch.init, ch.chosen_label]));
      rankedTable(parent, slice.summary, [{ key: 'init', label: `chosen ${tunedText}`, format: (v) => (chosenOf[v] === null || chosenOf[v] === undefined ? '-' : chosenOf[v]) }]);
      pairsTable(parent, slice.summary);
      const metrics = slice.summary.higher_is_better ? ['test_acc', 'val_acc'] : ['test_loss', 'val_loss'];
      curveCharts(parent, { kind: 'sweep-curve', sweep: sw.id, slice: k }, slice.curves, metrics, `Each init at its chosen ${tunedText}.`);
      const links = el('p', { class: 'desc' }, 'Every grid point of this slice, with all inits: ');
      for (const id of slice.experiments) {
        const point = sw.points.find((p) => p.experiment === id);
        links.append(experimentLink(id, `experiment ${id}${point ? ` (${settingsText(point.settings)})` : ''}`), ' ');
      }
      parent.append(links);
    });
    s.append(table([{ key: 'k', label: 'what', format: (v) => v }, { key: 'v', label: 'value', format: (v) => v }], [
      { k: 'command', v: sw.command }, { k: 'created', v: sw.created }, { k: 'sweep file as read', v: JSON.stringify(c) },
    ], 'Reproducibility'));
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
            { mark: 'line', encoding: { x: { field: 'sweep_value', type: 'quantitative', scale: { type: 'log' }, title: 'init scale (swept value)', axis: logAxisOf(rows.map((r) => r.sweep_value)) }, y: { field: 'final_act_std', type: 'quantitative', scale: { type: 'log' }, title: 'final-layer activation std', axis: logAxisOf(rows.map((r) => r.final_act_std)) } } },
            { mark: { type: 'point', filled: true }, encoding: { x: { field: 'sweep_value', type: 'quantitative' }, y: { field: 'final_act_std', type: 'quantitative' }, color: { field: 'verdict', type: 'nominal', scale: { domain: ['vanishing', 'stable', 'exploding'], range: ['#4c78a8', '#54a24b', '#e45756'] } }, tooltip: [{ field: 'init' }, { field: 'final_act_std', type: 'quantitative' }, { field: 'verdict' }] } },
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
      ? { field: 'sweep_value', type: 'quantitative', scale: { type: 'log' }, title: 'init scale (swept value)', axis: logAxisOf(plotted.map((r) => r.sweep_value)) }
      : { field: 'layer', type: 'quantitative', title: 'layer', axis: { tickMinStep: 1 } };
    const y = { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'pre-activation std', axis: logAxisOf(plotted.map((r) => r.value)) };
    const order = [...new Set(long.map((r) => r.series))];  // layers in network order, inits as given
    const color = { field: 'series', type: 'nominal', title: swept.length ? 'layer' : 'init', sort: order };
    chart(s, { kind: 'layers', propagation: p.id, swept: swept.length > 0 },
      swept.length ? 'Per-layer pre-activation std against the init scale' : 'Per-layer pre-activation std through depth',
      'Solid: measured (first seed); dashed: the mean-field prediction (plain MLPs only). Click a legend entry to show one series.', {
        width: 520, height: 280, data: { values: plotted },
        encoding: { x, y, color },
        layer: [
          { params: [pick('series')], mark: 'line', encoding: { strokeDash: { field: 'source', type: 'nominal', title: 'source', sort: ['measured', 'mean-field'] }, opacity: shown(1) } },
          { transform: [{ filter: "datum.source == 'measured'" }], mark: { type: 'point', filled: true, size: 25 }, encoding: { opacity: shown(1), tooltip: [{ field: 'init' }, { field: 'name', title: 'layer' }, { field: 'value', type: 'quantitative', title: 'pre-activation std' }] } },
        ],
      }, long, [{ key: 'init', label: 'init' }, { key: 'name', label: 'layer' }, { key: 'source', label: 'source' }, { key: 'value', label: 'pre-activation std' }]);
    s.append(table([
      { key: 'init', label: 'init' }, { key: 'final_act_std', label: 'final act std' }, { key: 'spread', label: 'spread over seeds' },
      { key: 'forward_ratio', label: 'forward ratio' }, { key: 'backward_ratio', label: 'backward ratio' }, { key: 'verdict', label: 'verdict' },
    ], p.per_init, p.thresholds ? `Verdict: vanishing below ${num(p.thresholds.vanishing_below)}, exploding above ${num(p.thresholds.exploding_above)}` : null));
    if ((p.attention || []).length)
      s.append(table([
        { key: 'init', label: 'init', format: (v) => v }, { key: 'name', label: 'block', format: (v) => v },
        { key: 'logit_std', label: 'attention logit std' }, { key: 'entropy', label: 'attention entropy / log(tokens)' },
      ], p.attention, 'Attention at init, per transformer block (the first seed): entropy 1 is uniform attention, 0 attends to one token'));
    s.append(table([{ key: 'k', label: 'what', format: (v) => v }, { key: 'v', label: 'value', format: (v) => v }], [
      { k: 'command', v: p.command }, { k: 'created', v: p.created }, { k: 'versions and machine', v: p.versions }, { k: 'configuration', v: JSON.stringify(c) },
    ], 'Reproducibility'));
  }

  // A study through time (rnn: models): gradient and hidden-state rms per step, one line per init.
  function throughTime(p) {
    const c = p.config || {};
    const s = section(root, `Propagation through time ${p.id}: ${c.model || ''}`, `propagation-${p.id}`);
    const inits = p.per_init.map((r) => r.init);
    const what = {
      grad_rms: ['Gradient rms against the time step', 'gradient rms, dL/dh_t',
        'The gradient of the last step\'s prediction carried back through the recurrence: what reaches step t. '],
      hidden_rms: ['Hidden-state rms against the time step', 'hidden-state rms, h_t', ''],
    };
    for (const [key, [title, label, lead]] of Object.entries(what)) {
      const all = p.steps.filter((r) => r.what === key);
      const rows = all.filter((r) => r.mean > 0 && r.lo > 0);
      if (!rows.length) continue;
      const zero = [...new Set(all.filter((r) => !(r.mean > 0)).map((r) => r.init))];
      const y = { type: 'quantitative', title: label, scale: { type: 'log' }, axis: logAxisOf(rows.flatMap((r) => [r.lo, r.hi])) };
      const x = { field: 'step', type: 'quantitative', title: 'time step', axis: { tickMinStep: 1 } };
      const color = { field: 'init', type: 'nominal', title: 'init', sort: inits, legend: { symbolOpacity: 1, symbolType: 'stroke', labelLimit: 220 } };
      chart(s, { kind: `through-time-${key === 'grad_rms' ? 'gradient' : 'hidden'}`, propagation: p.id }, title,
        `${lead}Log scale; mean over seeds (line), the band spans the lowest to the highest seed.` +
          (zero.length ? ` Exactly zero (underflow) at some steps, left off the log axis: ${zero.join(', ')}.` : '') + ' Click a legend entry to show one init.', {
          width: 560, height: 280, data: { values: rows },
          encoding: { x, color },
          layer: [
            { mark: { type: 'area', opacity: 0.18 }, encoding: { y: Object.assign({ field: 'lo' }, y), y2: { field: 'hi' }, opacity: shown(0.18) } },
            { params: [pick('init')], mark: { type: 'line', strokeWidth: 2 }, encoding: { y: Object.assign({ field: 'mean' }, y), opacity: shown(1),
              tooltip: [{ field: 'init' }, { field: 'step', type: 'quantitative' }, { field: 'mean', type: 'quantitative', title: label }, { field: 'n', type: 'quantitative', title: 'seeds' }] } },
          ],
        }, all, [{ key: 'init', label: 'init' }, { key: 'step', label: 'step' }, { key: 'mean', label: `${label} (mean)` }, { key: 'lo', label: 'lowest seed' }, { key: 'hi', label: 'highest seed' }]);
    }
    s.append(table([
      { key: 'init', label: 'init' }, { key: 'grad_ratio', label: 'grad ratio (step 1 / last)' }, { key: 'hidden_ratio', label: 'hidden ratio (last / step 1)' },
      { key: 'seeds', label: 'seeds' }, { key: 'verdict', label: 'verdict' },
    ], p.per_init, p.thresholds ? `Verdict on the grad ratio: vanishing below ${num(p.thresholds.vanishing_below)}, exploding above ${num(p.thresholds.exploding_above)}` : null));
    s.append(table([
      { key: 'init', label: 'init' }, { key: 'gate', label: 'gate block' }, { key: 'spectral_radius', label: 'spectral radius' },
      { key: 'max_singular', label: 'largest singular value' }, { key: 'min_singular', label: 'smallest singular value' },
    ], p.blocks, 'weight_hh at init, per gate block (the first seed)'));
    s.append(table([{ key: 'k', label: 'what', format: (v) => v }, { key: 'v', label: 'value', format: (v) => v }], [
      { k: 'command', v: p.command }, { k: 'created', v: p.created }, { k: 'versions and machine', v: p.versions }, { k: 'configuration', v: JSON.stringify(c) },
    ], 'Reproducibility'));
  }

  // A coordinate check (initlab coordcheck): per layer, the mean |coordinate| against width on log
  // axes, one line per training step; flat lines are what μP promises.
  function coordCheck(p) {
    const c = p.config || {};
    const s = section(root, `Coordinate check ${p.id}: ${c.model || ''}, --param ${c.param || ''}`, `propagation-${p.id}`);
    const v = p.verdict || {};
    headline(s, v.stable ? `every layer's coordinate size is width-independent (log-log slope within ±${num((p.thresholds || {}).stable_within)} at every step after the first update)`
      : `not width-stable: ${(v.unstable || []).join(', ')}` + ((v.growing || []).length ? `; growing with width at the last step: ${v.growing.join(', ')}` : ''));
    for (const [key, title, label] of [['size', 'Coordinate size against width, per layer', 'mean |coordinate|'],
      ['update', 'Change since init against width, per layer', 'mean |h_t − h_0|']]) {
      const rows = p.points.filter((r) => typeof r[key] === 'number' && r[key] > 0).map((r) => ({ layer: r.layer, role: r.role, width: r.width, step: r.step, value: r[key] }));
      if (!rows.length) continue;
      const layers = [...new Set(rows.map((r) => r.layer))];
      chart(s, { kind: key === 'size' ? 'coordcheck-size' : 'coordcheck-change', propagation: p.id }, title,
        `One panel per layer, one line per training step t (t = 0 is the init). Log-log axes: a flat line is width-independent, a slope of 1 grows like the width. Mean over ${c.seeds || '?'} seeds on one fixed probe batch.`, {
          data: { values: rows },
          facet: { field: 'layer', type: 'nominal', sort: layers, title: null },
          columns: 4,
          spec: {
            width: 170, height: 130,
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'width', axis: { values: c.widths || undefined } },
              y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: label },
              color: { field: 'step', type: 'ordinal', title: 'step t', scale: { scheme: 'viridis' } },
              tooltip: [{ field: 'layer' }, { field: 'width', type: 'quantitative' }, { field: 'step', type: 'quantitative' }, { field: 'value', type: 'quantitative', title: label }],
            },
          },
          resolve: { scale: { y: 'independent' } },
        }, rows, [{ key: 'layer', label: 'layer' }, { key: 'width', label: 'width' }, { key: 'step', label: 'step' }, { key: 'value', label }]);
    }
    s.append(table([
      { key: 'layer', label: 'layer', format: (x) => x }, { key: 'role', label: 'role', format: (x) => x },
      { key: 'slope_first', label: 'slope at init' }, { key: 'slope_last', label: 'slope at the last step' }, { key: 'update_slope_last', label: 'slope of the change, last step' },
    ], p.slopes, 'Log-log slope of coordinate size against width (least squares over the widths)'));
    if ((p.diverged || []).length) s.append(el('p', {}, `Not finite: ${p.diverged.join('; ')}.`));
    s.append(table([{ key: 'k', label: 'what', format: (x) => x }, { key: 'v', label: 'value', format: (x) => x }], [
      { k: 'command', v: p.command }, { k: 'created', v: p.created }, { k: 'versions and machine', v: p.versions }, { k: 'configuration', v: JSON.stringify(c) },
    ], 'Reproducibility'));
  }

  // A reproduction (initlab reproduce): the claim and the verdict on top, the criteria fixed in the
  // code with what decided each, the paper's figures redrawn from the measurements (dashed: theory),
  // the numbers with their 95% CIs over seeds, and the setup.
  function reproduction(p) {
    const s = section(root, `Reproduction ${p.id}: ${p.name}${p.swapped ? ' (negative control: contrasted settings swapped)' : ''}`, `propagation-${p.id}`);
    headline(s, `${p.verdict} (${p.reason}). Claim: ${p.claim}`);
    s.append(el('p', {}, `${p.paper}. ${p.mode} mode, ${p.seeds} seeds, ${fmt(p.seconds)} s.`));
    for (const n of p.notes || []) s.append(el('p', { class: 'note' }, `Note: ${n}.`));
    s.append(table([
      { key: 'n', label: '#' }, { key: 'text', label: 'criterion (fixed before the run)', format: (x) => x },
      { key: 'outcome', label: 'outcome', format: (x) => x }, { key: 'measured', label: 'decided on', format: (x) => x },
    ], (p.criteria || []).map((c, i) => Object.assign({ n: i + 1 }, c)), 'Criteria'));
    (p.figures || []).forEach((f, k) => {
      const rows = [];
      for (const sr of f.series || [])
        for (const pt of sr.points || []) {
          if (typeof pt.x !== 'number' || typeof pt.y !== 'number' || (f.log_y && !(pt.y > 0)) || (f.log_x && !(pt.x > 0))) continue;
          const half = typeof pt.half === 'number' ? pt.half : null;
          const lo = half === null ? null : pt.y - half;
          rows.push({ series: sr.name, kind: sr.theory ? 'theory' : 'measured', x: pt.x, y: pt.y, half,
            lo: lo !== null && (!f.log_y || lo > 0) ? lo : null, hi: half === null ? null : pt.y + half });
        }
      if (!rows.length) return;
      const x = { field: 'x', type: 'quantitative', title: f.x_label, scale: f.log_x ? { type: 'log', base: 2 } : { zero: false } };
      const y = { field: 'y', type: 'quantitative', title: f.y_label, scale: f.log_y ? { type: 'log' } : { zero: false } };
      const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 600 } };
      chart(s, { kind: 'reproduction', propagation: p.id, figure: k }, f.title, f.caption, {
        data: { values: rows },
        width: 520, height: 280,
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x, y, color,
              strokeDash: { field: 'kind', type: 'nominal', title: null, scale: { domain: ['measured', 'theory'], range: [[1, 0], [5, 4]] }, legend: { symbolType: 'stroke', symbolStrokeWidth: 2 } },
              tooltip: [{ field: 'series' }, { field: 'x', type: 'quantitative', title: f.x_label }, { field: 'y', type: 'quantitative', title: f.y_label },
                { field: 'half', type: 'quantitative', title: '95% CI ±' }],
            },
          },
          {
            transform: [{ filter: 'isValid(datum.lo) && isValid(datum.hi)' }],
            mark: { type: 'rule' },
            encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
          },
        ],
      }, rows, [{ key: 'series', label: 'series', format: (v) => v }, { key: 'x', label: f.x_label }, { key: 'y', label: f.y_label }, { key: 'half', label: '95% CI ±' }]);
    });
    s.append(table([
      { key: 'name', label: 'quantity', format: (x) => x }, { key: 'mean', label: 'mean ± 95% CI', format: (v, r) => meanCi(v, r.ci95_half) },
      { key: 'n', label: 'seeds' }, { key: 'theory', label: 'theory' },
    ], p.measured || [], 'Measured (over seeds)'));
    s.append(table([{ key: 'key', label: 'setting', format: (x) => x }, { key: 'value', label: 'value', format: (x) => x }], p.setup || [], 'Setup'));
    if ((p.experiments || []).length)
      s.append(el('p', {}, 'Trained: ', ...p.experiments.map((id, i) => el('span', {}, i ? ', ' : '', el('a', { href: `#experiment-${id}` }, `experiment ${id}`)))));
    s.append(table([{ key: 'k', label: 'what', format: (x) => x }, { key: 'v', label: 'value', format: (x) => x }], [
      { k: 'command', v: p.command }, { k: 'created', v: p.created }, { k: 'versions and machine', v: p.versions },
    ], 'Reproducibility'));
  }

  // ---- the page ----------------------------------------------------------------------------------
  const header = el('header', {}, el('h1', {}, 'initlab report'), el('p', {}, `From the results database ${data.source}.`));
  const toc = el('ul', { class: 'toc' });
  for (const sw of data.sweeps || []) toc.append(el('li', {}, el('a', { href: `#sweep-${sw.id}` }, `Sweep ${sw.id}: ${sw.name}`)));
  for (const e of data.experiments) toc.append(el('li', {}, el('a', { href: `#experiment-${e.id}` }, experimentTitle(e))));
  const studyTitle = { through_time: 'Propagation through time', coordcheck: 'Coordinate check', layers: 'Signal propagation', reproduction: 'Reproduction' };
  for (const p of data.propagations) toc.append(el('li', {}, el('a', { href: `#propagation-${p.id}` }, `${studyTitle[p.kind] || 'Signal propagation'} ${p.id}: ${p.kind === 'reproduction' ? `${p.name} (${p.verdict})` : (p.config || {}).model || ''}`)));
  header.append(el('nav', { 'aria-label': 'contents' }, toc));
  root.append(header);
  for (const sw of data.sweeps || []) sweep(sw);
  for (const e of data.experiments) experiment(e);
  const studyPage = { through_time: throughTime, coordcheck: coordCheck, reproduction };
  for (const p of data.propagations) (studyPage[p.kind] || propagation)(p);
  Promise.all(pending).then(() => {
    report.done = true;
    document.body.setAttribute('data-ready', 'true');
  });
})();
