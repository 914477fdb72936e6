/** A one-line progress bar with throughput and ETA on a TTY; periodic plain lines otherwise (CI logs). */
export class ProgressBar {
  private start = performance.now();
  private lastPrint = 0;
  constructor(private readonly label: string, private readonly total: number, private readonly unit = 'img', private readonly out: NodeJS.WriteStream | undefined = globalThis.process?.stderr) {}

  update(done: number, extra = ''): void {
    if (!this.out) return;
    const now = performance.now();
    const finished = done >= this.total;
    const tty = Boolean(this.out.isTTY);
    if (!finished && now - this.lastPrint < (tty ? 200 : 15000)) return;
    this.lastPrint = now;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const width = 24;
    const filled = Math.round((width * done) / Math.max(this.total, 1));
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${this.label} ${bar} ${done}/${this.total} ${rate.toFixed(1)} ${this.unit}/s ETA ${formatDuration(eta)} ${extra}`;
    if (tty) this.out.write(`\r${line.padEnd(110).slice(0, 140)}${finished ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }
}

export function formatDuration(s: number): string {
  if (!isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, '0')}m`;
}
