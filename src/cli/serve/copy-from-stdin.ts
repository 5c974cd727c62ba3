import type { PGlite } from '@electric-sql/pglite'
import { commandComplete, errorResponse } from './pg-messages.ts'

/*
 * `COPY ... FROM STDIN` without PGlite's copy sub-protocol (PGlite exits on CopyData): the data
 * is collected from the client and run as a COPY from a Blob, PGlite's own way in.
 */

/** A COPY ... FROM STDIN statement, after any comments. */
export const COPY_FROM_STDIN = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*copy\s[\s\S]*\sfrom\s+stdin\b[^;]*;?\s*$/i
/** The words anywhere in a text, which PGlite must never receive (the database would be gone). */
export const MENTIONS_COPY_FROM_STDIN = /\bcopy\b[\s\S]*\bfrom\s+stdin\b/i
/** The answer to a COPY FROM STDIN inside a larger text. */
export const NOT_ALONE = errorResponse('0A000', 'serve runs COPY ... FROM STDIN only as a statement of its own')

/**
 * Runs a collected COPY FROM STDIN on PGlite: `CommandComplete` on success, the error as an
 * `ErrorResponse` (with `failed: true`) otherwise. A WASM abort is thrown: the database is gone.
 */
export async function runCopyFromStdin(
  pglite: PGlite,
  sql: string,
  chunks: Uint8Array[],
): Promise<{ response: Uint8Array; failed: boolean }> {
  const fromBlob = sql.replace(/\sfrom\s+stdin\b/i, " FROM '/dev/blob'").replace(/;\s*$/, '')
  try {
    const result = await pglite.query(fromBlob, [], { blob: new Blob(chunks as unknown as ArrayBuffer[]) })
    return { response: commandComplete(`COPY ${result.affectedRows ?? 0}`), failed: false }
  } catch (error) {
    if (isAbort(error)) throw error
    const e = error as { code?: string; message?: string }
    return { response: errorResponse(e.code ?? 'XX000', e.message ?? String(error)), failed: true }
  }
}

/** A WASM abort of PGlite (the database is gone), as opposed to an SQL error. */
export function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name
  return (
    name === 'RuntimeError' ||
    name === 'ExitStatus' ||
    (error instanceof Error && /unreachable|abort|Program terminated/i.test(error.message))
  )
}
