import type { CliOutput } from './cli-context.ts'

/** Options of a {@link ProgressReporter}. */
export interface ProgressOptions {
  /** Where to draw (stderr in the CLI). */
  stream: CliOutput
  /** A progress bar redrawn in place when true; plain periodic lines when false. */
  isTTY: boolean
  /** What is in progress, e.g. `import data.csv`. */
  label: string
  /** Milliseconds between two renderings (default 100 on a TTY, 2000 otherwise). */
  intervalMs?: number
  /** The clock, in milliseconds (injectable for tests). */
  now?: () => number
}

/** Where a job is: rows handled, and optionally work done of a known total (bytes of a file, rows to generate). */
export interface ProgressState {
  rows: number
  done?: number
  total?: number
  /** Rows rejected so far (shown when not zero). */
  rejected?: number
}

const BAR_WIDTH = 24

/**
 * Reports the progress of a long job: on a terminal a bar redrawn in place (`\r`), with rows,
 * rows/s and an ETA; elsewhere (a pipe, a CI log) one plain line every 2 seconds. `finish()`
 * prints the final line either way.
 *
 * @example
 * ```ts
 * const progress = new ProgressReporter({ stream: process.stderr, isTTY: Boolean(process.stderr.isTTY), label: 'import' })
 * progress.update({ rows: 5000, done: 1_000_000, total: 8_000_000 })
 * progress.finish({ rows: 40_000, done: 8_000_000, total: 8_000_000 })
 * ```
 */
export class ProgressReporter {
  readonly #options: Required<Omit<ProgressOptions, 'intervalMs'>> & { intervalMs: number }
  readonly #started: number
  #lastRender = Number.NEGATIVE_INFINITY
  #drawn = false

  constructor(options: ProgressOptions) {
    const now = options.now ?? (() => performance.now())
    this.#options = { ...options, now, intervalMs: options.intervalMs ?? (options.isTTY ? 100 : 2000) }
    this.#started = now()
  }

  /** Records the current state; renders it when the interval has passed since the last rendering. */
  update(state: ProgressState): void {
    const now = this.#options.now()
    if (now - this.#lastRender < this.#options.intervalMs) return
    if (!this.#options.isTTY && now - this.#started < this.#options.intervalMs) return
    this.#lastRender = now
    if (this.#options.isTTY) {
      this.#options.stream.write(`\r\x1b[2K${this.#fit(this.barLine(state, now))}`)
      this.#drawn = true
    } else {
      this.#options.stream.write(`${this.plainLine(state, now)}\n`)
    }
  }

  /** Prints a message line (a rejected row, a warning) without garbling the bar, which the next update redraws. */
  log(text: string): void {
    this.#options.stream.write(`${this.#options.isTTY && this.#drawn ? '\r\x1b[2K' : ''}${text}\n`)
    this.#drawn = false
    this.#lastRender = Number.NEGATIVE_INFINITY
  }

  /** Prints the final line: rows, time taken, average rate (the bar is replaced by it on a TTY). */
  finish(state: ProgressState): void {
    const seconds = (this.#options.now() - this.#started) / 1000
    const rejected = state.rejected ? `, ${formatCount(state.rejected)} rejected` : ''
    const speed = `${formatCount(rate(state.rows, seconds))} rows/s`
    const line = `${this.#options.label}: ${formatCount(state.rows)} rows${rejected} in ${seconds.toFixed(1)} s (${speed})`
    this.#options.stream.write(`${this.#options.isTTY && this.#drawn ? '\r\x1b[2K' : ''}${line}\n`)
    this.#drawn = false
  }

  /** The TTY form: `import [██████░░░░] 42% 12,345 rows 3,210 rows/s ETA 0:12`. */
  barLine(state: ProgressState, now: number): string {
    const seconds = (now - this.#started) / 1000
    const fraction = state.total ? Math.min(1, (state.done ?? 0) / state.total) : undefined
    const parts = [this.#options.label]
    if (fraction !== undefined) {
      const filled = Math.round(fraction * BAR_WIDTH)
      parts.push(`[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}%`)
    }
    parts.push(`${formatCount(state.rows)} rows`, `${formatCount(rate(state.rows, seconds))} rows/s`)
    if (state.rejected) parts.push(`${formatCount(state.rejected)} rejected`)
    const eta = etaSeconds(state, seconds)
    if (eta !== undefined) parts.push(`ETA ${formatClock(eta)}`)
    return parts.join('  ')
  }

  /** The plain form: `import: 12,345 rows, 3,210 rows/s, 42%, ETA 0:12`. */
  plainLine(state: ProgressState, now: number): string {
    const seconds = (now - this.#started) / 1000
    const parts = [`${formatCount(state.rows)} rows`, `${formatCount(rate(state.rows, seconds))} rows/s`]
    if (state.rejected) parts.push(`${formatCount(state.rejected)} rejected`)
    if (state.total) parts.push(`${Math.floor(Math.min(1, (state.done ?? 0) / state.total) * 100)}%`)
    const eta = etaSeconds(state, seconds)
    if (eta !== undefined) parts.push(`ETA ${formatClock(eta)}`)
    return `${this.#options.label}: ${parts.join(', ')}`
  }

  #fit(line: string): string {
    const columns = this.#options.stream.columns
    return columns && line.length >= columns ? line.slice(0, columns - 1) : line
  }
}

function rate(rows: number, seconds: number): number {
  return seconds > 0 ? Math.round(rows / seconds) : 0
}

function etaSeconds(state: ProgressState, seconds: number): number | undefined {
  const done = state.done ?? 0
  if (!state.total || done <= 0 || seconds <= 0) return undefined
  return Math.max(0, ((state.total - done) * seconds) / done)
}

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** `0:07`, `12:30`, `1:02:03` */
export function formatClock(seconds: number): string {
  const s = Math.round(seconds)
  const hh = Math.floor(s / 3600)
  const mm = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`
}
