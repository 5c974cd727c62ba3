/**
 * Every error the package throws is a {@link TimescaleClientError} with a stable string `code`
 * (listed in the README), the underlying `cause`, and structured `details`.
 *
 * @example
 * ```ts
 * import { TimescaleClientError, ValidationError } from 'drizzle-timescale'
 *
 * try {
 *   await client.insertRecord(record)
 * } catch (error) {
 *   if (error instanceof ValidationError) console.error(error.code, error.details.field)
 *   else if (error instanceof TimescaleClientError) console.error(error.code, error.message)
 *   else throw error
 * }
 * ```
 */
export class TimescaleClientError extends Error {
  override readonly name: string = 'TimescaleClientError'
  readonly code: ErrorCode
  readonly details: Readonly<Record<string, unknown>>

  constructor(message: string, code: ErrorCode, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = Object.freeze({ ...options.details })
  }
}

/** The server could not be reached, refused the login, or dropped the connection. */
export class ConnectionError extends TimescaleClientError {
  override readonly name: string = 'ConnectionError'
}

/** An argument was rejected before anything was sent to the database. `details.field` names it. */
export class ValidationError extends TimescaleClientError {
  override readonly name: string = 'ValidationError'
}

/** The database refused or failed a statement. `details.sqlState` holds PostgreSQL's SQLSTATE. */
export class QueryError extends TimescaleClientError {
  override readonly name: string = 'QueryError'
}

/** A batch write failed; `details` says what was and was not written. */
export class BatchError extends TimescaleClientError {
  override readonly name: string = 'BatchError'
}

/** Applying the package's migrations failed (for example: the server has no TimescaleDB). */
export class MigrationError extends TimescaleClientError {
  override readonly name: string = 'MigrationError'
}

/** The stable error codes, one per kind of failure. */
export const ErrorCodes = {
  /** Bad input, refused before anything was sent. */
  VALIDATION: 'VALIDATION_ERROR',
  /** Could not connect, or the connection broke. */
  CONNECTION: 'CONNECTION_ERROR',
  /** No pooled connection came free within `acquireTimeout`. */
  CONNECTION_TIMEOUT: 'CONNECTION_TIMEOUT',
  /** Wrong user name or password. */
  AUTHENTICATION: 'AUTHENTICATION_ERROR',
  /**
   * TLS could not be set up as required: the server's certificate is not signed by a trusted CA
   * or does not name the host, or the server offers no TLS. Not retried.
   */
  TLS: 'TLS_ERROR',
  /** A statement failed on the server for a reason not listed below. */
  QUERY: 'QUERY_ERROR',
  /** `statement_timeout` was hit, or the statement was cancelled. */
  QUERY_TIMEOUT: 'QUERY_TIMEOUT',
  /** A serialization failure or deadlock that retries did not resolve. */
  SERIALIZATION: 'SERIALIZATION_FAILURE',
  /** A constraint (not null, check, foreign key, unique) was violated. */
  CONSTRAINT: 'CONSTRAINT_VIOLATION',
  /** A table, view or function is missing: migrations have not been applied. */
  SCHEMA_MISSING: 'SCHEMA_MISSING',
  /** The server has no TimescaleDB extension. */
  TIMESCALEDB_MISSING: 'TIMESCALEDB_MISSING',
  /** The operation needs the Timescale license (TSL); the server runs the Apache edition. */
  LICENSE: 'FEATURE_NOT_LICENSED',
  /**
   * A limit set by the server's configuration stopped the statement: `details.setting` names it
   * (`max_locks_per_transaction`, `timescaledb.max_tuples_decompressed_per_dml_transaction`) and
   * the message says how to lift it or to write less per transaction.
   */
  SERVER_LIMIT: 'SERVER_LIMIT',
  /** A batch write failed part-way; details say what was written. */
  BATCH: 'BATCH_ERROR',
  /** Applying migrations failed. */
  MIGRATION: 'MIGRATION_ERROR',
  /** The client was closed. */
  CLIENT_CLOSED: 'CLIENT_CLOSED',
  /** An optional peer dependency (the embedded database's PGlite, `serve`'s socket server) is not installed. */
  DEPENDENCY_MISSING: 'DEPENDENCY_MISSING',
} as const

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]
