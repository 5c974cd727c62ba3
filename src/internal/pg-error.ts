import { causeChain } from './cause-chain.ts'

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
  const found = causeChain(error).find((e) => typeof e.code === 'string' && SQLSTATE.test(e.code) && typeof e.message === 'string')
  return found as PgErrorFields | undefined
}
