/** The fields PostgreSQL reports with an error, as postgres.js and PGlite both expose them. */
export interface PgErrorFields {
  code: string
  message: string
  detail?: string
  hint?: string
  severity?: string
}

const SQLSTATE = /^[0-9A-Z]{5}$/

/**
 * Finds the PostgreSQL error in a chain of causes. Drizzle wraps driver errors in a
 * `DrizzleQueryError` ("Failed query: ...") whose `cause` is the driver's error.
 */
export function findPgError(error: unknown): PgErrorFields | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const candidate = e as Partial<PgErrorFields> & { cause?: unknown }
    if (typeof candidate.code === 'string' && SQLSTATE.test(candidate.code) && typeof candidate.message === 'string') {
      return candidate as PgErrorFields
    }
    e = candidate.cause
  }
  return undefined
}
