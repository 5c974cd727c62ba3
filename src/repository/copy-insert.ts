import type postgres from 'postgres'
import { copyFromStdin } from '../internal/copy-from-stdin.ts'
import type { ValidRecord } from '../validation/index.ts'
import { copyPieces } from './copy-text.ts'
import { copyUpsert } from './copy-upsert.ts'
import { plainCopyFirst } from './plain-copy-first.ts'
import { COPY_COLUMNS } from './record-columns.ts'

/**
 * Writes `chunks` with upsert semantics on postgres.js: one plain COPY of every chunk (streamed:
 * each chunk is encoded while the server reads the previous one) when every key is new, else the
 * staging upsert ({@link copyUpsert}); see plain-copy-first.ts for when which. All or nothing
 * either way. Why: docs/performance.md.
 */
export async function copyInsert(sql: postgres.Sql, chunks: readonly (readonly ValidRecord[])[]): Promise<void> {
  const copied = await plainCopyFirst(sql, () =>
    copyFromStdin(sql, `copy time_series_data (${COPY_COLUMNS}) from stdin`, copyPieces(chunks)),
  )
  if (!copied) await copyUpsert(sql, chunks)
}
