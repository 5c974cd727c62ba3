import type { TimescaleStatus } from './timescale-status.ts'

/**
 * What of a {@link TimescaleStatus} needs attention, one sentence each: a job whose last run
 * failed (with TimescaleDB's error message), and a continuous aggregate with rows its refresh
 * policy should have materialized by now (see `behind`). Empty when all is well; `drizzle-timescale status --check` exits
 * non-zero when it is not, for a CI job or a cron to alert on.
 *
 * @example
 * ```ts
 * const problems = statusProblems(await collectStatus(db))
 * if (problems.length > 0) alert(problems.join('\n'))
 * ```
 */
export function statusProblems(status: TimescaleStatus): string[] {
  const problems: string[] = []
  for (const job of status.jobs) {
    if (job.lastRunStatus !== 'Failed') continue
    const why = job.lastError ? `: ${job.lastError.message}${job.lastError.sqlState ? ` (SQLSTATE ${job.lastError.sqlState})` : ''}` : ''
    problems.push(`job ${job.id} (${job.procedure.replace(/^.*\./, '')}${job.target ? ` on ${job.target}` : ''}) failed its last run${why}`)
  }
  for (const a of status.continuousAggregates) {
    if (a.behind !== true) continue
    const lag = a.watermark === null ? 'was never refreshed' : `is materialized up to ${a.watermark}`
    problems.push(
      `continuous aggregate ${a.schema}.${a.name} ${lag}, but holds rows older than ${a.lagLimitSeconds} s inside its refresh window that are not materialized: its refresh policy is not keeping up`,
    )
  }
  return problems
}
