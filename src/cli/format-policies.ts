import type { Policies, PolicyJob } from '../policies/index.ts'

/**
 * The package's policies, one line each, as `status` and `policies` print them: what each does
 * to the data, then its job, schedule and whether it is paused.
 */
export function formatPolicies(policies: Policies): string[] {
  const job = (j: PolicyJob) => `(job ${j.jobId}, every ${j.schedule}${j.scheduled ? '' : ', paused'})`
  const { retention, compression, refresh } = policies
  return [
    retention
      ? `  retention    chunks of time_series_data older than ${retention.dropAfter} are dropped ${job(retention)}`
      : '  retention    none: nothing is dropped',
    compression
      ? `  compression  chunks older than ${compression.compressAfter} are compressed ${job(compression)}`
      : '  compression  no policy: chunks are compressed only by hand',
    refresh
      ? `  refresh      hourly_metrics is refreshed from ${refresh.startOffset ?? 'the oldest data'} to ${refresh.endOffset ?? 'now'} ago ${job(refresh)}`
      : '  refresh      no policy: hourly_metrics is refreshed only by hand (real-time reads still see new rows)',
  ]
}
