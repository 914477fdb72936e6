/** Evaluation, calibration, figures and the HTML report (pure TypeScript on arrays of numbers). */
export * from './metrics.js';
export * from './calibration.js';
export * from './figure.js';
export * from './plots.js';
export * from './evaluate.js';
export * from './report.js';
export { formatFixed, base64 } from './format.js';
export { measureText } from './font.js';
