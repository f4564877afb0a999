// A progress bar for long compilations: drawn on a terminal only, and only once the work has
// taken more than a second, so short runs and redirected output never see it.

export interface ProgressOptions {
  /** Where to draw (default: stderr). */
  write?: (s: string) => void;
  /** Whether the output is a terminal (default: stderr's). */
  tty?: boolean;
  /** Clock in ms (tests pass a fake one). */
  now?: () => number;
}

const DELAY_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 30;

export class Progress {
  private readonly write: (s: string) => void;
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(private readonly total: number, private readonly label: string, options: ProgressOptions = {}) {
    this.write = options.write ?? ((s) => process.stderr.write(s));
    this.tty = options.tty ?? process.stderr.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** `done` of `total` items are finished. Cheap when nothing is to be drawn. */
  update(done: number): void {
    if (!this.tty) return;
    const t = this.now();
    if (t - this.start < DELAY_MS || t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.drawn = true;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(frac * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    const secs = ((t - this.start) / 1000).toFixed(1);
    this.write(`\r${this.label} [${bar}] ${Math.floor(frac * 100)}% ${done}/${this.total} ${secs}s`);
  }

  /** Erases the bar, if one was drawn. */
  finish(): void {
    if (this.drawn) this.write('\r\x1b[2K');
    this.drawn = false;
  }
}
