/** Progress of a long first-run step (generating the demo marts) on stderr, which stays free of results. */

export interface ProgressUpdate {
  step: string;
  done: number;
  total: number;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 28;

/**
 * Draws `[#####-----]  45%  step` in place on a terminal; elsewhere (CI logs, pipes) prints one note
 * when work starts and one when it ends, so logs do not fill with carriage returns.
 */
export class ProgressBar {
  private started = false;
  private lastLine = '';

  constructor(
    private readonly stream: ProgressStream,
    private readonly title: string,
  ) {}

  update(progress: ProgressUpdate): void {
    if (!this.stream.isTTY) {
      if (!this.started) this.stream.write(`${this.title}…\n`);
      this.started = true;
      return;
    }
    this.started = true;
    const line = renderProgressLine(progress, this.stream.columns || 80);
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.stream.write(`\r\x1b[2K${line}`);
  }

  /** Ends the bar (or the note) with a closing message; nothing is printed if no progress was reported. */
  finish(message: string): void {
    if (!this.started) return;
    this.stream.write(this.stream.isTTY ? `\r\x1b[2K${message}\n` : `${message}\n`);
    this.started = false;
  }
}

/** One bar line, cut to the terminal width. */
export function renderProgressLine(progress: ProgressUpdate, columns: number): string {
  const fraction = progress.total > 0 ? Math.min(1, Math.max(0, progress.done / progress.total)) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}  ${progress.step}`;
  const max = Math.max(10, columns - 1);
  return line.length > max ? line.slice(0, max) : line;
}
