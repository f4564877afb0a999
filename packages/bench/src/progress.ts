// The progress line on stderr while the benchmark runs (stdout stays the report). On a
// terminal one line is rewritten in place; elsewhere (CI logs) each step is its own line.

export class Progress {
  private done = 0;
  private readonly start = Date.now();
  private readonly tty: boolean;

  constructor(private total: number, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true;
  }

  /** More steps discovered along the way (e.g. the checks section once its probe answered). */
  addSteps(n: number): void {
    this.total += n;
  }

  step(label: string): void {
    this.done++;
    const secs = Math.round((Date.now() - this.start) / 1000);
    const clock = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
    const width = String(this.total).length;
    const line = `[${String(this.done).padStart(width)}/${this.total}] ${clock} ${label}`;
    if (this.tty) {
      const cols = this.out.columns ?? 100;
      this.out.write(`\r\x1b[K${line.slice(0, cols - 1)}`);
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Clears the line (terminal) so the report that follows starts clean. */
  finish(): void {
    if (this.tty) this.out.write('\r\x1b[K');
  }
}
