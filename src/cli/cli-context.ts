/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliOutput {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

/** What a command runs with; the real process by default, swappable in tests. */
export interface CliContext {
  stdout: CliOutput
  stderr: CliOutput
  env: Record<string, string | undefined>
  /** Aborted on SIGINT/SIGTERM; long commands stop at the next safe point. */
  signal: AbortSignal
}

/** A command of the CLI: its name, one line of summary, its help text and what it does. */
export interface Command {
  name: string
  summary: string
  help: string
  run(argv: string[], context: CliContext): Promise<number>
}
