import { sql } from 'drizzle-orm'
import { postgresJsClientOf } from '../../src/internal/driver.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'

/** What {@link tapStatements} gives: the statements counted since the last reset, and the undo. */
export interface StatementTap {
  readonly count: number
  reset(): void
  restore(): void
}

/**
 * Counts the statements the package sends on `db` (on a postgres.js pool its `unsafe`, on other
 * drivers Drizzle's `execute`), and runs `after(n, run)` once the n-th has answered, before its
 * caller sees the answer: `run` sends a statement of the test's own on the same database, uncounted
 * (to stage what happens between two statements of one call; not for a call that streams a COPY).
 * `restore()` undoes it.
 */
export function tapStatements(
  db: AnyPgDatabase,
  after?: (n: number, run: (text: string) => Promise<unknown>) => Promise<void>,
): StatementTap {
  const pool = postgresJsClientOf(db)
  const owner = (pool ?? db) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  const name = pool ? 'unsafe' : 'execute'
  const original = owner[name] as (...args: unknown[]) => Promise<unknown>
  let count = 0
  owner[name] = function (this: unknown, ...args: unknown[]) {
    const n = ++count
    // The driver's own object goes back as it is (a postgres.js query also streams a COPY); with
    // `after`, the answer is awaited first, so a call that streams a COPY then cannot be tapped.
    const result = original.apply(this, args)
    if (!after) return result
    return Promise.resolve(result).then(async (answer) => {
      await after(n, (text) => original.apply(this, pool ? [text] : [sql.raw(text)]))
      return answer
    })
  }
  return {
    get count() {
      return count
    },
    reset: () => {
      count = 0
    },
    restore: () => {
      owner[name] = original
    },
  }
}
