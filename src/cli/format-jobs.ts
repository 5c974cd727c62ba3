import type { CatalogJob } from '../operations/index.ts'
import { formatTable, formatTime } from './format-table.ts'

/** A job as `status` and `jobs` print it: the catalog's job with its procedure as one name. */
export type PrintedJob = Omit<CatalogJob, 'procSchema' | 'procName'> & { procedure: string }

/**
 * The jobs as an indented table (id, job, what it works on, schedule, last run, result,
 * runs/failures, next start), then one line per job whose newest error is unresolved.
 */
export function formatJobs(jobs: readonly PrintedJob[]): string[] {
  if (jobs.length === 0) return ['  none']
  const out = [
    formatTable(
      [
        { header: 'id', align: 'right' },
        { header: 'job' },
        { header: 'on' },
        { header: 'schedule' },
        { header: 'last run' },
        { header: 'result' },
        { header: 'runs/failures', align: 'right' },
        { header: 'next start' },
      ],
      jobs.map((j) => [
        String(j.id),
        j.procedure.replace(/^_timescaledb_(functions|internal)\./, ''),
        j.target ?? '-',
        `${j.schedule}${j.scheduled ? '' : ' (paused)'}`,
        formatTime(j.lastRunStartedAt),
        j.lastRunStatus ?? 'never ran',
        `${j.totalRuns}/${j.totalFailures}`,
        formatTime(j.nextStart),
      ]),
      '  ',
    ),
  ]
  for (const j of jobs) {
    if (j.lastError) out.push(`  job ${j.id} error${j.lastError.at ? ` at ${formatTime(j.lastError.at)}` : ''}: ${j.lastError.message}`)
  }
  return out
}
