/**
 * The evaluation report: `buildReport` turns model runs (val/test logits + labels, training
 * history, timings, dataset description, saliency PNGs) into one self-contained `report.html`
 * (inline SVG figures, tables, embedded images) and a JSON object with every number.
 * `writeReport` (in report-node.ts) writes them plus each figure as SVG and PNG.
 */
import { escapeXml as esc, formatFixed, base64 } from './format.js';
import { figureToSvg, type Figure } from './figure.js';
import { confusionMatrixFigure, lineChartFigure, reliabilityFigure, rocFigure, PALETTE, type Series } from './plots.js';
import { evaluateModel, type EvalOptions, type ModelEvaluation, type ModelRunInput } from './evaluate.js';
import type { Interval } from './metrics.js';

export interface DatasetInfo {
  name?: string;
  description?: string;
  /** Samples per split, e.g. { train: 8000, val: 1000, test: 1000 }. */
  splits?: Record<string, number>;
  /** Samples per class per split (class-id order). */
  classCounts?: Record<string, readonly number[]>;
  /** Free-form key/value facts (image size, leads, sampling rate, source ...). */
  facts?: Record<string, string | number>;
}

export interface ReportInput {
  title?: string;
  classNames: readonly string[];
  dataset?: DatasetInfo;
  /** One model, or several for a side-by-side comparison (the paper: AlexNet vs AlexNet-M-SE). */
  models: readonly ModelRunInput[];
  options?: EvalOptions;
  /** ISO time stamp printed in the header (default: now). */
  generatedAt?: string;
  notes?: readonly string[];
}

export interface BuiltReport {
  html: string;
  json: Record<string, unknown>;
  /** Every figure by file stem (e.g. `alexnet-roc`), for writing as SVG/PNG. */
  figures: Record<string, Figure>;
  evaluations: ModelEvaluation[];
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model';
}

const f = (v: number | undefined, d = 4) => (v === undefined || !Number.isFinite(v) ? '–' : formatFixed(v, d));
const pct = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '–' : formatFixed(v * 100, d) + '%');
const ci = (iv: Interval, d = 4) => `${f(iv.estimate, d)} <span class="ci">[${f(iv.lower, d)}, ${f(iv.upper, d)}]</span>`;

/** Figures of one evaluated model, keyed by stem. */
export function modelFigures(ev: ModelEvaluation, classNames: readonly string[]): Record<string, Figure> {
  const s = slug(ev.name);
  const out: Record<string, Figure> = {};
  out[`${s}-confusion`] = confusionMatrixFigure(ev.test.confusion, classNames, { title: `${ev.name}: confusion matrix (test, counts)` });
  out[`${s}-confusion-normalized`] = confusionMatrixFigure(ev.test.confusion, classNames, { normalize: true, title: `${ev.name}: confusion matrix (test, row-normalised)` });
  out[`${s}-roc`] = rocFigure(ev.test.roc, { classNames, title: `${ev.name}: ROC curves (test, one-vs-rest)` });
  ev.heldOut.forEach((h, i) => {
    out[`${s}-heldout${i}-confusion`] = confusionMatrixFigure(h.split.confusion, classNames, { title: `${ev.name}: confusion matrix (${h.name}, counts)` });
  });
  if (ev.calibration) {
    out[`${s}-reliability-before`] = reliabilityFigure(ev.calibration.before, { title: `${ev.name}: reliability (test, T = 1)` });
    out[`${s}-reliability-after`] = reliabilityFigure(ev.calibration.after, { title: `${ev.name}: reliability (test, T = ${formatFixed(ev.calibration.fit.temperature, 3)})` });
  } else {
    out[`${s}-reliability`] = reliabilityFigure(ev.test.reliability, { title: `${ev.name}: reliability (test)` });
  }
  if (ev.thresholds) {
    out[`${s}-confusion-thresholded`] = confusionMatrixFigure(ev.thresholds.after.confusion, classNames, { normalize: true, title: `${ev.name}: confusion (test, tuned thresholds)` });
  }
  const h = ev.history;
  if (h.length) {
    const ep = h.map((e) => e.epoch);
    const series = (key: keyof typeof h[number], name: string, color: string, dash?: number[]): Series[] =>
      h.some((e) => typeof e[key] === 'number') ? [{ name, x: ep, y: h.map((e) => (typeof e[key] === 'number' ? (e[key] as number) : NaN)), color, dash }] : [];
    out[`${s}-loss`] = lineChartFigure([...series('trainLoss', 'train', PALETTE[0]), ...series('valLoss', 'validation', PALETTE[1], [6, 3])], { title: `${ev.name}: loss`, xLabel: 'Epoch', yLabel: 'Cross-entropy' });
    out[`${s}-accuracy`] = lineChartFigure([...series('trainAcc', 'train', PALETTE[0]), ...series('valAcc', 'validation', PALETTE[1], [6, 3])], { title: `${ev.name}: accuracy`, xLabel: 'Epoch', yLabel: 'Accuracy' });
  }
  return out;
}

function comparisonFigures(evs: ModelEvaluation[]): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  const withHist = evs.filter((e) => e.history.some((h) => typeof h.valAcc === 'number'));
  if (withHist.length >= 2) {
    out['comparison-val-accuracy'] = lineChartFigure(withHist.map((e, i) => ({ name: e.name, x: e.history.map((h) => h.epoch), y: e.history.map((h) => h.valAcc ?? NaN), color: PALETTE[i % PALETTE.length] })), { title: 'Validation accuracy per epoch', xLabel: 'Epoch', yLabel: 'Accuracy' });
  }
  if (evs.length >= 2) {
    out['comparison-roc-macro'] = lineChartFigure(evs.flatMap((e, i) => [
      { name: `${e.name} macro (${f(e.test.roc.macroAuc, 3)})`, x: e.test.roc.macroCurve.fpr, y: e.test.roc.macroCurve.tpr, color: PALETTE[i % PALETTE.length], markers: false },
      { name: `${e.name} micro (${f(e.test.roc.micro.auc, 3)})`, x: e.test.roc.micro.fpr, y: e.test.roc.micro.tpr, color: PALETTE[i % PALETTE.length], dash: [3, 3], markers: false },
    ]), { title: 'Averaged ROC curves (test)', xLabel: 'False positive rate', yLabel: 'True positive rate', xMin: 0, xMax: 1, yMin: 0, yMax: 1, width: 460, height: 380 });
  }
  return out;
}

/** Replaces non-finite numbers by null and typed arrays by arrays, so the object is plain JSON. */
function plain(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => plain(x));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = plain(x);
    return o;
  }
  return v;
}

function evaluationJson(ev: ModelEvaluation, classNames: readonly string[]): unknown {
  const perClass = (m: ModelEvaluation['test']['metrics']) => m.perClass.map((c, i) => ({ class: classNames[i], ...c }));
  const split = (s: ModelEvaluation['test']) => ({
    n: s.n, loss: s.loss, accuracy: s.accuracy, line: s.line,
    perClass: perClass(s.metrics), macro: s.metrics.macro, weighted: s.metrics.weighted, reportText: s.reportText,
    confusion: s.confusion, confusionNormalized: s.confusionNormalized,
    auc: { perClass: s.roc.perClass.map((r, i) => ({ class: classNames[i], auc: r.auc, positives: r.positives, negatives: r.negatives })), micro: s.roc.micro.auc, macro: s.roc.macroAuc, macroInterpolated: s.roc.macroCurve.auc, macroClasses: s.roc.macroClasses },
    roc: { perClass: s.roc.perClass.map((r) => ({ fpr: r.fpr, tpr: r.tpr, thresholds: r.thresholds })), micro: { fpr: s.roc.micro.fpr, tpr: s.roc.micro.tpr }, macro: { fpr: s.roc.macroCurve.fpr, tpr: s.roc.macroCurve.tpr } },
    reliability: s.reliability,
  });
  return {
    name: ev.name, description: ev.description, parameters: ev.parameters,
    test: split(ev.test), val: ev.val ? split(ev.val) : undefined,
    bootstrap: ev.bootstrap,
    heldOut: ev.heldOut.map((h) => ({ name: h.name, description: h.description, ...split(h.split), bootstrap: h.bootstrap })),
    calibration: ev.calibration && {
      temperature: ev.calibration.fit.temperature, valNllBefore: ev.calibration.fit.nllBefore, valNllAfter: ev.calibration.fit.nllAfter,
      testNllBefore: ev.calibration.testNllBefore, testNllAfter: ev.calibration.testNllAfter,
      testEceBefore: ev.calibration.before.ece, testEceAfter: ev.calibration.after.ece,
      valEceBefore: ev.calibration.valBefore.ece, valEceAfter: ev.calibration.valAfter.ece,
      testBefore: ev.calibration.before, testAfter: ev.calibration.after,
    },
    thresholds: ev.thresholds && {
      rule: ev.thresholds.fit.rule, thresholds: ev.thresholds.fit.thresholds.map((t, i) => ({ class: classNames[i], t })),
      valMacroF1Before: ev.thresholds.fit.valMacroF1Before, valMacroF1After: ev.thresholds.fit.valMacroF1After,
      testBefore: { accuracy: ev.thresholds.before.metrics.accuracy, macro: ev.thresholds.before.metrics.macro, weighted: ev.thresholds.before.metrics.weighted, perClass: perClass(ev.thresholds.before.metrics), reportText: ev.thresholds.before.reportText },
      testAfter: { accuracy: ev.thresholds.after.metrics.accuracy, macro: ev.thresholds.after.metrics.macro, weighted: ev.thresholds.after.metrics.weighted, perClass: perClass(ev.thresholds.after.metrics), reportText: ev.thresholds.after.reportText, confusion: ev.thresholds.after.confusion },
    },
    history: ev.history, timings: ev.timings,
  };
}

// ---------------------------------------------------------------------------------------------
// HTML

const CSS = `
body{font-family:Helvetica,Arial,"DejaVu Sans",sans-serif;color:#222;max-width:1180px;margin:24px auto;padding:0 20px;line-height:1.45}
h1{font-size:24px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:36px}h3{font-size:16px;margin-top:24px}
.meta{color:#666;font-size:13px}
table{border-collapse:collapse;margin:10px 0;font-size:13px}
th,td{border-bottom:1px solid #e2e2e2;padding:4px 10px;text-align:right}th{background:#f5f5f5;font-weight:600}
td:first-child,th:first-child{text-align:left}
tr.avg td{border-top:1px solid #bbb;font-weight:600}
.ci{color:#777;font-size:12px}
pre{background:#f7f7f7;border:1px solid #e4e4e4;padding:10px;font-size:12px;overflow-x:auto}
.figs{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.figs figure{margin:0}figcaption{font-size:12px;color:#555;max-width:640px}
.saliency img{max-width:360px;border:1px solid #ddd}
.note{font-size:13px;color:#444}
.better{color:#1a7f37;font-weight:600}
`;

function table(head: string[], rows: string[][], rowClass?: (i: number) => string): string {
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r, i) => `<tr${rowClass?.(i) ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function metricsTable(m: ModelEvaluation['test']['metrics'], classNames: readonly string[], auc?: number[]): string {
  const rows = m.perClass.map((c, i) => [esc(classNames[i]), f(c.precision), f(c.recall), f(c.f1), String(c.support), ...(auc ? [f(auc[i])] : [])]);
  const blank = auc ? [''] : [];
  rows.push(['accuracy', '', '', f(m.accuracy), String(m.support), ...blank]);
  rows.push(['macro avg', f(m.macro.precision), f(m.macro.recall), f(m.macro.f1), String(m.macro.support), ...blank]);
  rows.push(['weighted avg', f(m.weighted.precision), f(m.weighted.recall), f(m.weighted.f1), String(m.weighted.support), ...blank]);
  return table(['class', 'precision', 'recall', 'f1-score', 'support', ...(auc ? ['ROC AUC'] : [])], rows, (i) => (i >= m.perClass.length ? 'avg' : ''));
}

function fig(figures: Record<string, Figure>, key: string, caption: string): string {
  const fg = figures[key];
  if (!fg) return '';
  return `<figure>${figureToSvg(fg, { id: `fig-${key}` })}<figcaption>${esc(caption)} <span class="meta">(${esc(key)}.svg / .png)</span></figcaption></figure>`;
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  if (s < 1) return `${formatFixed(s * 1000, 2)} ms`;
  if (s < 120) return `${formatFixed(s, 2)} s`;
  return `${formatFixed(s / 60, 1)} min (${formatFixed(s, 0)} s)`;
}

function modelSection(ev: ModelEvaluation, input: ReportInput, figures: Record<string, Figure>, images: Map<string, string>): string {
  const cn = input.classNames, s = slug(ev.name);
  const parts: string[] = [];
  parts.push(`<h2 id="model-${s}">${esc(ev.name)}</h2>`);
  if (ev.description) parts.push(`<p>${esc(ev.description)}</p>`);
  parts.push(`<pre>${esc(ev.test.line)}</pre>`);
  parts.push(`<h3>Classification report (test, argmax)</h3>`);
  parts.push(metricsTable(ev.test.metrics, cn, ev.test.roc.perClass.map((r) => r.auc)));
  parts.push(`<p class="note">As printed by scikit-learn's <code>classification_report</code>:</p><pre>${esc(ev.test.reportText)}</pre>`);
  const b = ev.bootstrap;
  parts.push(`<h3>Headline metrics with ${Math.round(b.level * 100)}% bootstrap confidence intervals</h3>`);
  parts.push(table(['metric', `estimate [${Math.round(b.level * 100)}% CI]`], [
    ['accuracy', ci(b.accuracy)], ['macro F1', ci(b.macroF1)], ['macro ROC AUC', ci(b.macroAuc)], ['micro ROC AUC', ci(b.microAuc)],
    ['ROC AUC, interpolated macro curve', f(ev.test.roc.macroCurve.auc)], ['test cross-entropy', f(ev.test.loss)],
  ]));
  parts.push(`<p class="note">Percentile bootstrap over ${b.resamples} resamples of the ${ev.test.n} test samples (seed ${b.seed}).</p>`);
  parts.push(`<h3>Confusion matrices and ROC curves (test)</h3><div class="figs">`);
  parts.push(fig(figures, `${s}-confusion`, 'Counts; rows are true classes, columns predictions.'));
  parts.push(fig(figures, `${s}-confusion-normalized`, 'Row-normalised: the diagonal is per-class recall.'));
  parts.push(fig(figures, `${s}-roc`, 'One-vs-rest ROC per class on softmax probabilities; micro average pools all (sample, class) pairs; macro AUC is the mean of the per-class AUCs (curve: mean TPR interpolated on the union of FPRs).'));
  parts.push(`</div>`);
  ev.heldOut.forEach((h, i) => {
    parts.push(`<h3>${esc(h.name)} test set${h.description ? `: ${esc(h.description)}` : ''}</h3>`);
    parts.push(`<pre>${esc(h.split.line)}</pre>`);
    parts.push(table(['metric', `estimate [${Math.round(h.bootstrap.level * 100)}% CI]`], [
      ['accuracy', ci(h.bootstrap.accuracy)], ['macro F1', ci(h.bootstrap.macroF1)], ['macro ROC AUC', ci(h.bootstrap.macroAuc)], ['micro ROC AUC', ci(h.bootstrap.microAuc)],
    ]));
    parts.push(metricsTable(h.split.metrics, cn, h.split.roc.perClass.map((r) => r.auc)));
    parts.push(`<div class="figs">${fig(figures, `${s}-heldout${i}-confusion`, `Counts on the ${esc(h.name)} test set; rows are true classes.`)}</div>`);
  });
  if (ev.calibration) {
    const c = ev.calibration;
    parts.push(`<h3>Calibration: temperature scaling</h3>`);
    parts.push(`<p>Temperature fitted on the validation split: <b>T = ${formatFixed(c.fit.temperature, 4)}</b> (probabilities softmax(z / T); predictions and accuracy unchanged).</p>`);
    parts.push(table(['', 'NLL before', 'NLL after', 'ECE before', 'ECE after', 'MCE before', 'MCE after', 'Brier before', 'Brier after'], [
      ['validation', f(c.fit.nllBefore), f(c.fit.nllAfter), pct(c.valBefore.ece), pct(c.valAfter.ece), pct(c.valBefore.mce), pct(c.valAfter.mce), f(c.valBefore.brier), f(c.valAfter.brier)],
      ['test', f(c.testNllBefore), f(c.testNllAfter), pct(c.before.ece), pct(c.after.ece), pct(c.before.mce), pct(c.after.mce), f(c.before.brier), f(c.after.brier)],
    ]));
    parts.push(`<div class="figs">${fig(figures, `${s}-reliability-before`, `Test reliability before scaling (${c.before.bins.length} equal-width bins).`)}${fig(figures, `${s}-reliability-after`, 'Test reliability after temperature scaling.')}</div>`);
  } else {
    parts.push(`<h3>Calibration</h3><p class="note">No validation logits were given, so no temperature was fitted. Test ECE: ${pct(ev.test.reliability.ece)}.</p>`);
    parts.push(`<div class="figs">${fig(figures, `${s}-reliability`, 'Test reliability diagram.')}</div>`);
  }
  if (ev.thresholds) {
    const t = ev.thresholds;
    parts.push(`<h3>Per-class decision thresholds</h3>`);
    parts.push(`<p class="note">Rule: ${esc(t.fit.rule)}. Validation macro F1 ${f(t.fit.valMacroF1Before)} → ${f(t.fit.valMacroF1After)}.</p>`);
    parts.push(table(['class', 't<sub>c</sub>', 'F1 before', 'F1 after', 'recall before', 'recall after'], cn.map((name, i) => [
      esc(name), formatFixed(t.fit.thresholds[i], 3), f(t.before.metrics.perClass[i].f1), f(t.after.metrics.perClass[i].f1), f(t.before.metrics.perClass[i].recall), f(t.after.metrics.perClass[i].recall),
    ])));
    parts.push(table(['test', 'accuracy', 'macro F1', 'weighted F1'], [
      ['argmax', f(t.before.metrics.accuracy), f(t.before.metrics.macro.f1), f(t.before.metrics.weighted.f1)],
      ['tuned thresholds', f(t.after.metrics.accuracy), f(t.after.metrics.macro.f1), f(t.after.metrics.weighted.f1)],
    ]));
    parts.push(`<div class="figs"><div><p class="note">Test report before (argmax):</p><pre>${esc(t.before.reportText)}</pre></div><div><p class="note">Test report after (tuned thresholds):</p><pre>${esc(t.after.reportText)}</pre></div></div>`);
    parts.push(`<div class="figs">${fig(figures, `${s}-confusion-thresholded`, 'Row-normalised test confusion matrix with the tuned thresholds.')}</div>`);
  }
  if (ev.history.length) {
    parts.push(`<h3>Training history</h3><div class="figs">${fig(figures, `${s}-loss`, 'Mean cross-entropy per epoch.')}${fig(figures, `${s}-accuracy`, 'Accuracy per epoch.')}</div>`);
    const keys = (['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'lr', 'seconds'] as const).filter((k) => ev.history.some((h) => typeof h[k] === 'number'));
    parts.push(`<details><summary>Per-epoch numbers</summary>${table(['epoch', ...keys], ev.history.map((h) => [String(h.epoch), ...keys.map((k) => (typeof h[k] === 'number' ? (k === 'lr' ? String(h[k]) : f(h[k] as number)) : '–'))]))}</details>`);
  }
  const timingRows = Object.entries(ev.timings).map(([k, v]) => [esc(k), fmtSeconds(v)]);
  if (ev.parameters !== undefined) timingRows.unshift(['trainable parameters', ev.parameters.toLocaleString('en-US')]);
  if (timingRows.length) parts.push(`<h3>Model size and timings</h3>${table(['', 'value'], timingRows)}`);
  const run = input.models.find((m) => m.name === ev.name);
  if (run?.saliency?.length) {
    parts.push(`<h3>Saliency maps</h3><div class="figs saliency">`);
    run.saliency.forEach((im, i) => {
      const uri = images.get(`${ev.name}\u0000${i}`);
      parts.push(uri ? `<figure><img alt="${esc(im.caption)}" src="${uri}"><figcaption>${esc(im.caption)}</figcaption></figure>` : `<p class="note">${esc(im.caption)}: image not available${im.path ? ` (${esc(im.path)})` : ''}.</p>`);
    });
    parts.push(`</div>`);
  }
  return parts.join('\n');
}

function comparisonSection(evs: ModelEvaluation[], cn: readonly string[], figures: Record<string, Figure>): string {
  if (evs.length < 2) return '';
  const parts: string[] = [`<h2 id="comparison">Side-by-side comparison</h2>`];
  const best = (vals: number[], hi = true) => { const fin = vals.filter(Number.isFinite); const b = hi ? Math.max(...fin) : Math.min(...fin); return (v: number) => (v === b && fin.length > 1 ? 'better' : ''); };
  const rowOf = (label: string, vals: number[], fmt: (v: number) => string, hi = true) => {
    const cls = best(vals, hi);
    return [label, ...vals.map((v) => (cls(v) ? `<span class="better">${fmt(v)}</span>` : fmt(v)))];
  };
  const rows: string[][] = [
    rowOf('test accuracy', evs.map((e) => e.test.accuracy), (v) => f(v)),
    ['accuracy 95% CI', ...evs.map((e) => `[${f(e.bootstrap.accuracy.lower)}, ${f(e.bootstrap.accuracy.upper)}]`)],
    rowOf('macro F1', evs.map((e) => e.test.metrics.macro.f1), (v) => f(v)),
    ['macro F1 95% CI', ...evs.map((e) => `[${f(e.bootstrap.macroF1.lower)}, ${f(e.bootstrap.macroF1.upper)}]`)],
    rowOf('weighted F1', evs.map((e) => e.test.metrics.weighted.f1), (v) => f(v)),
    rowOf('macro ROC AUC', evs.map((e) => e.test.roc.macroAuc), (v) => f(v)),
    rowOf('micro ROC AUC', evs.map((e) => e.test.roc.micro.auc), (v) => f(v)),
    rowOf('test loss', evs.map((e) => e.test.loss), (v) => f(v), false),
    rowOf('ECE before scaling', evs.map((e) => e.test.reliability.ece), (v) => pct(v), false),
    rowOf('ECE after scaling', evs.map((e) => e.calibration?.after.ece ?? NaN), (v) => pct(v), false),
    ['temperature T', ...evs.map((e) => (e.calibration ? formatFixed(e.calibration.fit.temperature, 3) : '–'))],
    rowOf('macro F1, tuned thresholds', evs.map((e) => e.thresholds?.after.metrics.macro.f1 ?? NaN), (v) => f(v)),
    ['parameters', ...evs.map((e) => (e.parameters !== undefined ? e.parameters.toLocaleString('en-US') : '–'))],
  ];
  const timingKeys = [...new Set(evs.flatMap((e) => Object.keys(e.timings)))];
  for (const k of timingKeys) rows.push([esc(k), ...evs.map((e) => (k in e.timings ? fmtSeconds(e.timings[k]) : '–'))]);
  parts.push(table(['', ...evs.map((e) => esc(e.name))], rows));
  parts.push(`<h3>Per-class F1 and ROC AUC (test)</h3>`);
  parts.push(table(['class', ...evs.map((e) => `F1 ${esc(e.name)}`), ...evs.map((e) => `AUC ${esc(e.name)}`)], cn.map((name, i) => [
    esc(name),
    ...evs.map((e) => f(e.test.metrics.perClass[i].f1)),
    ...evs.map((e) => f(e.test.roc.perClass[i].auc)),
  ])));
  parts.push(`<div class="figs">${fig(figures, 'comparison-roc-macro', 'Macro (interpolated) and micro averaged ROC curves of each model.')}${fig(figures, 'comparison-val-accuracy', 'Validation accuracy per epoch.')}</div>`);
  return parts.join('\n');
}

/** Builds report.html (self-contained) and the results JSON from model runs. Pure: no file access. */
export function buildReport(input: ReportInput): BuiltReport {
  if (!input.models.length) throw new Error('buildReport: no models');
  const cn = input.classNames;
  const evs = input.models.map((m) => evaluateModel(m, cn, input.options));
  const figures: Record<string, Figure> = {};
  for (const ev of evs) Object.assign(figures, modelFigures(ev, cn));
  Object.assign(figures, comparisonFigures(evs));
  const images = new Map<string, string>();
  input.models.forEach((m) => m.saliency?.forEach((im, i) => { if (im.png) images.set(`${m.name}\u0000${i}`, `data:image/png;base64,${base64(im.png)}`); }));
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const title = input.title ?? `ECG classification report: ${input.models.map((m) => m.name).join(' vs ')}`;

  const parts: string[] = [];
  parts.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>${esc(title)}</h1><p class="meta">Generated ${esc(generatedAt)} · ${cn.length} classes · ${evs.map((e) => `<a href="#model-${slug(e.name)}">${esc(e.name)}</a>`).join(' · ')}${evs.length > 1 ? ' · <a href="#comparison">comparison</a>' : ''}</p>`);
  const summaryRows = evs.map((e) => [esc(e.name), ci(e.bootstrap.accuracy), ci(e.bootstrap.macroF1), ci(e.bootstrap.macroAuc), ci(e.bootstrap.microAuc), f(e.test.loss), pct(e.test.reliability.ece), e.calibration ? pct(e.calibration.after.ece) : '–']);
  parts.push(`<h2>Summary (test set)</h2>${table(['model', 'accuracy [95% CI]', 'macro F1 [95% CI]', 'macro AUC [95% CI]', 'micro AUC [95% CI]', 'loss', 'ECE', 'ECE after T'], summaryRows)}`);
  parts.push(`<pre>${evs.map((e) => `${esc(e.name)}: ${esc(e.test.line)}`).join('\n')}</pre>`);
  const heldOutNames = [...new Set(evs.flatMap((e) => e.heldOut.map((h) => h.name)))];
  for (const name of heldOutNames) {
    const rows = evs.flatMap((e) => e.heldOut.filter((h) => h.name === name).map((h) => [
      esc(e.name), String(h.split.n), ci(h.bootstrap.accuracy), ci(h.bootstrap.macroF1), ci(h.bootstrap.macroAuc),
      f(Math.min(...h.split.metrics.perClass.map((c) => c.recall)), 3),
    ]));
    parts.push(`<h3>Summary (${esc(name)} test set)</h3>${table(['model', 'records', 'accuracy [95% CI]', 'macro F1 [95% CI]', 'macro AUC [95% CI]', 'lowest class recall'], rows)}`);
    parts.push(table(['class', ...evs.map((e) => `recall ${esc(e.name)}`)], cn.map((c, i) => [esc(c), ...evs.map((e) => f(e.heldOut.find((h) => h.name === name)?.split.metrics.perClass[i].recall, 3))])));
  }
  if (input.dataset) {
    const d = input.dataset;
    parts.push(`<h2>Dataset</h2>`);
    if (d.name) parts.push(`<p><b>${esc(d.name)}</b></p>`);
    if (d.description) parts.push(`<p>${esc(d.description)}</p>`);
    if (d.facts && Object.keys(d.facts).length) parts.push(table(['', 'value'], Object.entries(d.facts).map(([k, v]) => [esc(k), esc(String(v))])));
    if (d.splits) parts.push(table(['split', 'samples'], Object.entries(d.splits).map(([k, v]) => [esc(k), String(v)])));
    if (d.classCounts && Object.keys(d.classCounts).length) {
      const splits = Object.keys(d.classCounts);
      parts.push(table(['class', ...splits.map(esc)], cn.map((name, i) => [esc(name), ...splits.map((s) => String(d.classCounts![s][i] ?? '–'))])));
    }
  }
  parts.push(comparisonSection(evs, cn, figures));
  for (const ev of evs) parts.push(modelSection(ev, input, figures, images));
  parts.push(`<h2>Methods</h2><ul class="note">
<li>Predictions are the argmax of the logits; probabilities are their softmax. Loss is the mean cross-entropy computed from the logits.</li>
<li>Precision, recall and F1 per class with zero division counted as 0; macro = unweighted mean over all classes, weighted = support-weighted mean (as scikit-learn).</li>
<li>ROC: one-vs-rest per class on softmax probabilities, one threshold per distinct score (ties move together), trapezoidal AUC. Micro average: all n·k (one-hot label, probability) pairs pooled. Macro AUC: mean of per-class AUCs over classes with both positives and negatives.</li>
<li>Confidence intervals: percentile bootstrap of the test set (seeded, resampling samples with replacement).</li>
<li>Temperature scaling: one T &gt; 0 minimising validation NLL of softmax(z/T) (Newton on 1/T, where the NLL is convex). ECE: equal-width bins of top-1 confidence, Σ (|B|/n)·|accuracy(B) − confidence(B)|.</li>
<li>Decision thresholds: ${esc(evs[0]?.thresholds?.fit.rule ?? 'fitted on validation when validation logits are given')}.</li>
</ul>`);
  if (input.notes?.length) parts.push(`<h2>Notes</h2><ul>${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  parts.push(`</body></html>`);

  const json = plain({
    title, generatedAt, classNames: cn, dataset: input.dataset,
    options: { resamples: input.options?.resamples ?? 1000, seed: input.options?.seed ?? 0, digits: input.options?.digits ?? 2, eceBins: input.options?.eceBins ?? 15 },
    models: evs.map((e) => evaluationJson(e, cn)),
    saliency: input.models.flatMap((m) => (m.saliency ?? []).map((s) => ({ model: m.name, caption: s.caption, path: s.path }))),
    figures: Object.keys(figures),
    notes: input.notes,
  }) as Record<string, unknown>;
  return { html: parts.join('\n'), json, figures, evaluations: evs };
}
