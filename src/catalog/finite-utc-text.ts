import { type SQL, sql } from 'drizzle-orm'
import { utcText } from '../internal/iso-time.ts'

/** ISO 8601 UTC text of a timestamptz expression; `null` for NULL and ±infinity. */
export function finiteUtcText(expression: SQL): SQL {
  return sql`case when isfinite(${expression}) then ${utcText(expression)} end`
}
