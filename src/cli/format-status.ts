import type { TimescaleStatus } from '../status/index.ts'
import { formatJobs } from './format-jobs.ts'
import { formatPolicies } from './format-policies.ts'
import { formatBytes, formatDuration, formatTable, formatTime } from './format-table.ts'

/** Renders a {@link TimescaleStatus} as the human form of `drizzle-timescale status`. */
export function formatStatus(status: TimescaleStatus, where: string): string {
  const out: string[] = []
  if (!status.timescaledbVersion) {
    out.push(`PostgreSQL ${status.postgresVersion}, ${where}: TimescaleDB is not installed in this database`)
    return out.join('\n')
  }
  const license = status.license ?? 'unknown'
  out.push(`TimescaleDB ${status.timescaledbVersion} (license: ${license}) on PostgreSQL ${status.postgresVersion}, ${where}`)
  if (status.license !== 'timescale') out.push('Apache edition: no compression, continuous aggregates or policies')

  out.push('', 'Hypertables')
  if (status.hypertables.length === 0) out.push('  none (run drizzle-timescale migrate)')
  else {
    out.push(
      formatTable(
        [
          { header: 'hypertable' },
          { header: 'chunk interval' },
          { header: 'chunks', align: 'right' },
          { header: 'compressed', align: 'right' },
          { header: 'size', align: 'right' },
          { header: 'before', align: 'right' },
          { header: 'after', align: 'right' },
          { header: 'ratio', align: 'right' },
        ],
        status.hypertables.map((h) => [
          `${h.schema}.${h.name}`,
          h.chunkInterval ?? '-',
          String(h.chunks),
          h.compression.enabled ? String(h.compressedChunks) : 'off',
          formatBytes(h.totalBytes),
          formatBytes(h.compression.beforeBytes),
          formatBytes(h.compression.afterBytes),
          h.compression.ratio === null ? '-' : `${h.compression.ratio.toFixed(1)}x`,
        ]),
        '  ',
      ),
    )
  }

  if (status.license === 'timescale')
    out.push('', 'Policies (change them with drizzle-timescale policies)', ...formatPolicies(status.policies))

  out.push('', 'Continuous aggregates')
  if (status.continuousAggregates.length === 0) out.push('  none')
  else {
    out.push(
      formatTable(
        [
          { header: 'view' },
          { header: 'on' },
          { header: 'mode' },
          { header: 'watermark' },
          { header: 'lag', align: 'right' },
          { header: 'refresh policy' },
        ],
        status.continuousAggregates.map((a) => [
          `${a.schema}.${a.name}`,
          a.hypertable,
          a.materializedOnly ? 'materialized only' : 'real-time',
          !a.readable ? 'not readable' : a.watermark === null ? 'never refreshed' : formatTime(a.watermark),
          formatDuration(a.lagSeconds),
          a.refreshPolicy
            ? `job ${a.refreshPolicy.jobId}: ${a.refreshPolicy.startOffset ?? 'start'} to ${a.refreshPolicy.endOffset ?? 'now'} ago, every ${a.refreshPolicy.scheduleInterval}${a.behind ? ' (behind)' : ''}`
            : '-',
        ]),
        '  ',
      ),
    )
  }

  out.push('', 'Jobs', ...formatJobs(status.jobs))
  if (status.notes.length > 0) out.push('', ...status.notes)
  return out.join('\n')
}
