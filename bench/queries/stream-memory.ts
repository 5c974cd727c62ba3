import type { TimescaleClient } from '../../src/client/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import type { TimeRange } from '../../src/types.ts'

/** What one streamRecords pass measured. */
export interface StreamMeasurement {
  rows: number
  ms: number
  /** Resident set size before the first row and at its highest during the stream (bytes). */
  rssBefore: number
  rssPeak: number
  /** Every row's time later than the previous one's. */
  ordered: boolean
}

/**
 * Streams every record of `entityId` in `range` and samples the process's resident set size every
 * 1,000 rows and every 20 ms: constant memory means the peak stays near the starting point.
 */
export async function measureStream(
  client: TimescaleClient<AnyPgDatabase>,
  entityId: string,
  range: TimeRange,
): Promise<StreamMeasurement> {
  Bun.gc(true)
  const rssBefore = process.memoryUsage.rss()
  let rssPeak = rssBefore
  const sample = () => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss())
  }
  const timer = setInterval(sample, 20)
  let rows = 0
  let ordered = true
  let previous = ''
  const started = performance.now()
  try {
    for await (const record of client.streamRecords(entityId, range)) {
      if (record.time <= previous) ordered = false
      previous = record.time
      if (++rows % 1000 === 0) sample()
    }
  } finally {
    clearInterval(timer)
  }
  sample()
  return { rows, ms: performance.now() - started, rssBefore, rssPeak, ordered }
}
