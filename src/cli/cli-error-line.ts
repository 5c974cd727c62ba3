import { ErrorCodes, TimescaleClientError } from '../errors.ts'
import { findPgError } from '../internal/pg-error.ts'
import { redactSecrets, toTimescaleError } from '../to-timescale-error.ts'

/** The command was stopped by SIGINT or SIGTERM before it finished. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError'
}

/**
 * Lets the event loop run (signal handlers included). The embedded database answers queries
 * synchronously inside promises, so a loop of awaited queries never reaches the event loop on its
 * own, and SIGINT would wait for the whole job.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * The one line printed for a failure: the error's message (a database error mapped to the
 * package's errors first), with a hint where one helps, on one line, passwords redacted.
 */
export function cliErrorLine(error: unknown): string {
  let message: string
  if (error instanceof TimescaleClientError || findPgError(error) || hasDriverCode(error)) {
    const mapped = toTimescaleError(error)
    message = mapped.message
    if (mapped.code === ErrorCodes.SCHEMA_MISSING) message += ' (run drizzle-timescale migrate first)'
  } else {
    message = error instanceof Error ? error.message : String(error)
  }
  return redactSecrets(message.trim().replace(/\s*\n\s*/g, ' — ')) || 'unknown error'
}

function hasDriverCode(error: unknown): boolean {
  // postgres.js errors without a SQLSTATE (CONNECTION_CLOSED, ECONNREFUSED, ...); not Node's fs errors.
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(CONNECTION_|CONNECT_|SASL_|AUTH_|E(CONN|HOST|NET|AI_|PIPE|TIMEDOUT))/.test(code)
}
