import type { EncodedRow } from './table-shape.ts'

/** Rows that one transaction writes. */
export interface PlannedTransaction {
  rows: EncodedRow[]
  /** Some of its rows fall in compressed chunks: upserting them decompresses rows (TimescaleDB's per-transaction limit). */
  compressed: boolean
  /** The most chunks its rows can touch (time slots x hash partitions they can reach). */
  chunks: number
}

/** What the plan needs of the hypertable. */
export interface PlanLayout {
  /** Chunk interval in ms; `null` puts every row in one transaction. */
  chunkIntervalMs: number | null
  /** Hash partitions of the partitioning column (1 without one). */
  partitions: number
  /** The most chunks one transaction may touch. */
  chunkBudget: number
}

/**
 * Cuts key-ordered rows into transactions that each touch at most `chunkBudget` chunks. A row's
 * chunk is its time slot (TimescaleDB aligns chunk ranges to multiples of the chunk interval from
 * the Unix epoch) times the hash partition of its partitioning value (`row.part`); not knowing the
 * hash, a slot with `e` distinct values counts as `min(e, partitions)` chunks, an upper bound. Slots are taken in time order,
 * so rows of one chunk are in one transaction; rows in compressed slots go in transactions of their
 * own (the executor sizes those by the decompression limit too). Within a transaction rows are in
 * (slot, key) order: concurrent writers lock rows in the same order.
 *
 * @example
 * ```ts
 * planTransactions(rows, { chunkIntervalMs: 86_400_000, partitions: 4, chunkBudget: 25 }, () => false)
 * // 10 years of daily rows of 8 entities: 584 transactions of ~25 chunks (6 days x 4 partitions)
 * ```
 */
export function planTransactions(
  rows: readonly EncodedRow[],
  layout: PlanLayout,
  compressedSlot: (slot: number) => boolean,
): PlannedTransaction[] {
  const interval = layout.chunkIntervalMs
  if (interval === null || rows.length === 0) return rows.length === 0 ? [] : [{ rows: [...rows], compressed: false, chunks: 1 }]
  const slots = new Map<number, { rows: EncodedRow[]; parts: Set<string> }>()
  for (const row of rows) {
    const slot = Math.floor(row.timeMs / interval)
    let bucket = slots.get(slot)
    if (!bucket) {
      bucket = { rows: [], parts: new Set() }
      slots.set(slot, bucket)
    }
    bucket.rows.push(row)
    if (bucket.parts.size < layout.partitions) bucket.parts.add(row.part)
  }
  const planned: PlannedTransaction[] = []
  let current: PlannedTransaction | undefined
  for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
    const bucket = slots.get(slot) as { rows: EncodedRow[]; parts: Set<string> }
    const chunks = Math.min(bucket.parts.size, layout.partitions)
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
