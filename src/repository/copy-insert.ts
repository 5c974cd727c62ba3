import type postgres from 'postgres'
import { copyFromStdin } from '../internal/copy-from-stdin.ts'
import { copyPieces } from './copy-text.ts'
import { copyUpsert } from './copy-upsert.ts'
import { plainCopyFirst } from './plain-copy-first.ts'
import type { EncodedRow } from './table-shape.ts'
import type { WriteTarget } from './write-target.ts'

/**
 * Writes `chunks` with upsert semantics on postgres.js: one plain COPY of every chunk (streamed:
 * each chunk is encoded while the server reads the previous one) when every key is new, else the
 * staging upsert ({@link copyUpsert}); see plain-copy-first.ts for when which. All or nothing
 * either way. A table without a key takes the plain COPY only. Why: docs/performance.md.
 */
export async function copyInsert(sql: postgres.Sql, target: WriteTarget, chunks: readonly (readonly EncodedRow[])[]): Promise<void> {
  const copy = () => copyFromStdin(sql, target.copy, copyPieces(chunks, target))
  if (target.upsert === null) {
    await copy()
    return
  }
  const copied = await plainCopyFirst(sql, copy)
  if (!copied) await copyUpsert(sql, target, chunks)
}
