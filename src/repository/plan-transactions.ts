import type { ValidRecord } from '../validation/index.ts'

/** Rows that one transaction writes. */
export interface PlannedTransaction {
  rows: ValidRecord[]
  /** Some of its rows fall in compressed chunks: upserting them decompresses rows (TimescaleDB's per-transaction limit). */
  compressed: boolean
  /** The most chunks its rows can touch (time slots x hash partitions they can reach). */
  chunks: number
}

/** What the plan needs of the hypertable. */
export interface PlanLayout {
  /** Chunk interval in ms; `null` puts every row in one transaction. */
  chunkIntervalMs: number | null
  /** Hash partitions of `entity_id`. */
  partitions: number
  /** The most chunks one transaction may touch. */
  chunkBudget: number
}

/**
 * Cuts key-ordered rows into transactions that each touch at most `chunkBudget` chunks. A row's
 * chunk is its time slot (TimescaleDB aligns chunk ranges to multiples of the chunk interval from
 * the Unix epoch) times the hash partition of its entity; not knowing the hash, a slot with `e`
 * entities counts as `min(e, partitions)` chunks, an upper bound. Slots are taken in time order,
 * so rows of one chunk are in one transaction; rows in compressed slots go in transactions of their
 * own (the executor sizes those by the decompression limit too). Within a transaction rows are in
 * (slot, entity_id, time) order: concurrent writers lock rows in the same order.
 *
 * @example
 * ```ts
 * planTransactions(rows, { chunkIntervalMs: 86_400_000, partitions: 4, chunkBudget: 25 }, () => false)
 * // 10 years of daily rows of 8 entities: 584 transactions of ~25 chunks (6 days x 4 partitions)
 * ```
 */
export function planTransactions(
  rows: readonly ValidRecord[],
  layout: PlanLayout,
  compressedSlot: (slot: number) => boolean,
): PlannedTransaction[] {
  const interval = layout.chunkIntervalMs
  if (interval === null || rows.length === 0) return rows.length === 0 ? [] : [{ rows: [...rows], compressed: false, chunks: 1 }]
  const slots = new Map<number, { rows: ValidRecord[]; entities: number; last: string | undefined }>()
  for (const row of rows) {
    const slot = Math.floor(Date.parse(row.time) / interval)
    let bucket = slots.get(slot)
    if (!bucket) {
      bucket = { rows: [], entities: 0, last: undefined }
      slots.set(slot, bucket)
    }
    bucket.rows.push(row)
    // Rows come in (entity_id, time) order, so a slot's rows of one entity are consecutive.
    if (bucket.last !== row.entity_id) {
      bucket.entities++
      bucket.last = row.entity_id
    }
  }
  const planned: PlannedTransaction[] = []
  let current: PlannedTransaction | undefined
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    const bucket = slots.get(slot) as { rows: ValidRecord[]; entities: number }
    const chunks = Math.min(bucket.entities, layout.partitions)
    const compressed = compressedSlot(slot)
    if (!current || current.compressed !== compressed || current.chunks + chunks > layout.chunkBudget) {
      current = { rows: [], compressed, chunks: 0 }
      planned.push(current)
    }
    for (const row of bucket.rows) current.rows.push(row)
    current.chunks += chunks
  }
  return planned
}
