import type { StreamOptions, TimeRange } from '../vocabulary/read-options.ts'
import type { StoredRecord } from '../vocabulary/record-types.ts'

/**
 * The `open(last)` of {@link retryStream} for a record stream: the first call hands out `first`
 * (opened eagerly by the caller, so that invalid arguments throw at the call), a later call
 * without `last` opens the range again, and one with `last` opens the rest of the range after
 * it. `to` is exclusive already; `from` is inclusive, so an ascending stream skips records at
 * `last.time` itself (keys are unique per entity and time, so that is exactly `last`).
 *
 * @example
 * ```ts
 * const open = resumableRecordStream(first, range, options, (r) => streamRecords(db, 'sensor-1', r, options))
 * for await (const record of retryStream(open)) process(record)
 * ```
 */
export function resumableRecordStream(
  first: AsyncIterable<StoredRecord>,
  range: TimeRange,
  options: StreamOptions | undefined,
  openRange: (range: TimeRange) => AsyncIterable<StoredRecord>,
): (last: StoredRecord | undefined) => AsyncIterable<StoredRecord> {
  let unused: AsyncIterable<StoredRecord> | undefined = first
  const descending = options?.order === 'desc'
  return (last) => {
    const fresh = unused
    unused = undefined
    if (fresh) return fresh
    if (!last) return openRange(range)
    const rest = descending ? { ...range, to: last.time } : { ...range, from: last.time }
    return descending ? openRange(rest) : skipTime(openRange(rest), last.time)
  }
}

async function* skipTime(records: AsyncIterable<StoredRecord>, time: string): AsyncGenerator<StoredRecord> {
  for await (const record of records) if (record.time !== time) yield record
}
