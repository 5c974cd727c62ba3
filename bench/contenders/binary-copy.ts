import type postgres from 'postgres'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { copyEachBatch } from './raw-copy.ts'

/*
 * COPY in PostgreSQL's binary format, for the format experiment: the server then parses no text
 * (timestamps as int64 microseconds since 2000-01-01, floats as IEEE 754, jsonb as version 1 +
 * text). https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
 */

const COLUMNS = 'entity_id, time, value, value2, value3, value4, metadata'
const EPOCH_2000_MS = 946_684_800_000
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])

/** `records` (UTC ISO times with at most milliseconds) as one binary COPY payload. */
export function binaryPayload(records: readonly TimeSeriesRecord[]): Buffer {
  const metas = records.map((r) => (r.metadata ? JSON.stringify(r.metadata) : null))
  let size = HEADER.length + 2
  records.forEach((r, i) => {
    const meta = metas[i]
    size += 2 + 4 * 7 + Buffer.byteLength(r.entity_id) + 8 * 5 + (meta == null ? 0 : 1 + Buffer.byteLength(meta))
  })
  const b = Buffer.allocUnsafe(size)
  HEADER.copy(b, 0)
  let o = HEADER.length
  const float = (v: number | null | undefined) => {
    o = v == null ? b.writeInt32BE(-1, o) : b.writeDoubleBE(v, b.writeInt32BE(8, o))
  }
  records.forEach((r, i) => {
    o = b.writeInt16BE(7, o)
    const idLength = b.write(r.entity_id, o + 4)
    o = b.writeInt32BE(idLength, o) + idLength
    const ms = typeof r.time === 'string' ? Date.parse(r.time) : r.time.getTime()
    o = b.writeBigInt64BE(BigInt(ms - EPOCH_2000_MS) * 1000n, b.writeInt32BE(8, o))
    float(r.value)
    float(r.value2)
    float(r.value3)
    float(r.value4)
    const meta = metas[i]
    if (meta == null) o = b.writeInt32BE(-1, o)
    else {
      const length = b.write(meta, o + 5)
      o = b.writeInt32BE(length + 1, o)
      b[o++] = 1
      o += length
    }
  })
  o = b.writeInt16BE(-1, o)
  return b.subarray(0, o)
}

/** Binary COPY of each batch on a connection of its own, no upsert. */
export function binaryCopy(sql: postgres.Sql, batches: readonly (readonly TimeSeriesRecord[])[]): Promise<void> {
  return copyEachBatch(sql, `copy time_series_data (${COLUMNS}) from stdin (format binary)`, batches, binaryPayload)
}
