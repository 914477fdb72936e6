/** A small line chart on a canvas (loss per step, accuracy per epoch), sharp on high-DPI screens. */
export interface Series { label: string; color: string; points: [number, number][]; dashed?: boolean }

export function drawChart(canvas: HTMLCanvasElement, series: Series[], opts: { title: string; xMin?: number; yMin?: number; yMax?: number; xLabel: string }): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth || 400, h = canvas.clientHeight || 170;
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]), ys = all.map((p) => p[1]).filter(Number.isFinite);
  const x0 = opts.xMin ?? Math.min(...xs, 0), x1 = Math.max(x0 + 1, ...xs);
  let y0 = opts.yMin ?? Math.min(...ys), y1 = opts.yMax ?? Math.max(...ys);
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) { y0 = 0; y1 = 1; }
  if (y1 - y0 < 1e-6) { y0 -= 0.5; y1 += 0.5; }
  const L = 40, R = 8, T = 20, B = 22;
  const px = (x: number) => L + ((x - x0) / (x1 - x0)) * (w - L - R);
  const py = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (h - T - B);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#1b1f24';
  g.fillText(opts.title, L, 12);
  g.strokeStyle = '#d5dae1';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(L, T); g.lineTo(L, h - B); g.lineTo(w - R, h - B);
  g.stroke();
  g.fillStyle = '#5b6470';
  for (const y of [y0, (y0 + y1) / 2, y1]) g.fillText(y.toFixed(y1 - y0 < 2 ? 2 : 1), 2, py(y) + 4);
  g.fillText(opts.xLabel, w - R - g.measureText(opts.xLabel).width, h - 6);
  let lx = L + g.measureText(opts.title).width + 16;
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 1.6;
    g.setLineDash(s.dashed ? [4, 3] : []);
    g.beginPath();
    s.points.forEach(([x, y], i) => (i ? g.lineTo(px(x), py(y)) : g.moveTo(px(x), py(y))));
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = s.color;
    g.fillRect(lx, 6, 10, 3);
    g.fillText(s.label, lx + 14, 12);
    lx += 14 + g.measureText(s.label).width + 12;
  }
}
