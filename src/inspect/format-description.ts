import type { TimescaleDescription } from './describe-timescale.ts'

/**
 * Renders a {@link TimescaleDescription} as plain text lines for a terminal.
 *
 * @example
 * ```ts
 * console.log(formatDescription(await describeTimescale(db)))
 * ```
 */
export function formatDescription(d: TimescaleDescription): string {
  const lines: string[] = []
  lines.push(`PostgreSQL ${d.postgresVersion}`)
  if (!d.timescaledbVersion) {
    lines.push('TimescaleDB: not installed in this database')
    return lines.join('\n')
  }
  lines.push(`TimescaleDB ${d.timescaledbVersion}, license: ${d.license ?? 'unknown'}`)
  if (d.license !== 'timescale') {
    lines.push('  (Apache edition: no compression, continuous aggregates or policies)')
  }
  for (const h of d.hypertables) {
    lines.push(`Hypertable ${h.schema}.${h.name}: ${h.chunks} chunk${h.chunks === 1 ? '' : 's'}`)
    for (const dim of h.dimensions) {
      lines.push(
        dim.kind === 'time'
          ? `  dimension ${dim.column}: time, chunk interval ${dim.chunkInterval}`
          : `  dimension ${dim.column}: hash, ${dim.partitions} partitions`,
      )
    }
    lines.push(
      h.compression.enabled
        ? `  compression: segment by ${h.compression.segmentBy.join(', ')}, order by ${h.compression.orderBy.join(', ')}`
        : '  compression: off',
    )
  }
  for (const a of d.continuousAggregates) {
    lines.push(`Continuous aggregate ${a.schema}.${a.name} on ${a.hypertable} (${a.materializedOnly ? 'materialized only' : 'real-time'})`)
  }
  if (d.jobs.length === 0) lines.push('Policies: none')
  for (const j of d.jobs) {
    const config = j.config
      ? Object.entries(j.config)
          .filter(([key]) => !key.endsWith('_id'))
          .map(([key, value]) => `${key} ${String(value)}`)
          .join(', ')
      : ''
    lines.push(`Policy #${j.id} ${j.procedure} on ${j.hypertable ?? '-'}: every ${j.scheduleInterval}${config ? `, ${config}` : ''}`)
  }
  return lines.join('\n')
}
