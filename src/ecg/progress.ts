/** A progress bar on stderr: redrawn in place on a TTY, plain periodic lines otherwise. */
export class Progress {
  private start = Date.now();
  private last = 0;
  private lastPct = -1;
  constructor(private label: string, private total: number, private enabled = true, private stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now(), tty = Boolean(this.stream.isTTY);
    const rate = done / Math.max(1e-3, (now - this.start) / 1000);
    const pct = this.total ? Math.floor((100 * done) / this.total) : 100;
    if (tty) {
      if (now - this.last < 100 && done < this.total) return;
      const w = 30, fill = this.total ? Math.round((w * done) / this.total) : w;
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
      this.stream.write(`\r${this.label} [${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${done}/${this.total} ${rate.toFixed(0)}/s eta ${eta.toFixed(0)}s `);
    } else {
      // Every 10 % or every 5 s, whichever comes first.
      if (done < this.total && Math.floor(pct / 10) === Math.floor(this.lastPct / 10) && now - this.last < 5000) return;
      this.stream.write(`${this.label}: ${done}/${this.total} (${pct}%) ${rate.toFixed(0)}/s\n`);
      this.lastPct = pct;
    }
    this.last = now;
  }

  done(): void {
    if (this.enabled && this.stream.isTTY) this.stream.write('\n');
  }
}
