/** A mistake in the command line: reported in one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Exit codes the CLI promises to scripts. */
export const ExitCode = {
  OK: 0,
  /** The command failed at run time (database unreachable, a query failed, a file is unreadable). */
  FAILURE: 1,
  /** The command line is wrong: unknown command or option, bad value, missing argument. */
  USAGE: 2,
  /** `import` finished, but some rows were rejected (see the report and the rejects file). */
  REJECTED_ROWS: 3,
  /** `status --check` found a job whose last run failed or a continuous aggregate that is behind. */
  CHECK_FAILED: 4,
  /** Stopped by SIGINT or SIGTERM (128 + 2). */
  INTERRUPTED: 130,
} as const
