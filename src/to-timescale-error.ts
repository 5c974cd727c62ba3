import { BatchError, ConnectionError, type ErrorCode, ErrorCodes, QueryError, TimescaleClientError, ValidationError } from './errors.ts'
import { causeChain } from './internal/cause-chain.ts'
import { findPgError } from './internal/pg-error.ts'

/** postgres.js and Node socket error codes that mean the connection is gone or never came up. */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
const AUTH_CODES = new Set(['SASL_SIGNATURE_MISMATCH', 'AUTH_TYPE_NOT_IMPLEMENTED', '28000', '28P01'])
/** Node/Bun TLS codes: the certificate was refused, or TLS itself failed. */
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/** Replaces the password of any connection URL in a message with `***`. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/(password\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1***')
}

/**
 * Maps any error a driver throws to the package's error classes, in one place: SQLSTATE classes
 * (connection 08, authentication 28, cancel 57014, serialization 40001/40P01, constraints 23,
 * data 22, missing objects 42P01/42883, TSL license), and postgres.js/Node socket codes.
 * Messages are stripped of passwords. Errors that already are a `TimescaleClientError` pass through.
 */
export function toTimescaleError(error: unknown, context: { operation?: string } = {}): TimescaleClientError {
  if (error instanceof TimescaleClientError) return error
  const pg = findPgError(error)
  const code = pg?.code ?? codeOf(error)
  const raw = pg ? [pg.message, pg.detail, pg.hint].filter(Boolean).join(' — ') : messageOf(error)
  const prefix = context.operation ? `${context.operation} failed: ` : ''
  const message = redactSecrets(prefix + raw)
  const details = { sqlState: pg?.code, driverCode: pg ? undefined : code, operation: context.operation }
  const options = { cause: error, details }
  const make = (Kind: typeof TimescaleClientError, ourCode: ErrorCode) => new Kind(message, ourCode, options)

  if (code && AUTH_CODES.has(code)) return make(ConnectionError, ErrorCodes.AUTHENTICATION)
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'))) {
    return new ConnectionError(redactSecrets(`${prefix}TLS: ${raw} (${code})`), ErrorCodes.TLS, options)
  }
  // TLS required of a server that answers the SSL request with "no": postgres.js starts the
  // handshake anyway and the server, expecting a startup message, closes the connection.
  if (!pg && /before secure TLS connection was established/.test(raw)) {
    const why =
      'the server closed the connection during the TLS handshake: it offers no TLS (ssl = off), or TLS is not allowed for this connection'
    return new ConnectionError(redactSecrets(`${prefix}TLS: ${why} (${raw})`), ErrorCodes.TLS, options)
  }
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')) {
    return make(ConnectionError, ErrorCodes.CONNECTION)
  }
  if (!pg) return make(QueryError, ErrorCodes.QUERY)
  const limit = serverLimitOf(pg)
  if (limit) {
    return new QueryError(redactSecrets(`${prefix}${raw} (${limit.cure})`), ErrorCodes.SERVER_LIMIT, {
      cause: error,
      details: { ...details, setting: limit.setting },
    })
  }
  if (code === '57014') return make(QueryError, ErrorCodes.QUERY_TIMEOUT)
  if (code === '40001' || code === '40P01') return make(QueryError, ErrorCodes.SERIALIZATION)
  if (code?.startsWith('23')) return make(QueryError, ErrorCodes.CONSTRAINT)
  if (code?.startsWith('22')) return make(ValidationError, ErrorCodes.VALIDATION)
  if (code === '42P01' || code === '42883' || code === '3F000') return make(QueryError, ErrorCodes.SCHEMA_MISSING)
  if (/license/i.test(pg.message)) return make(QueryError, ErrorCodes.LICENSE)
  return make(QueryError, ErrorCodes.QUERY)
}

/**
 * True when retrying the same idempotent operation may succeed: the connection broke
 * (not a login failure), or PostgreSQL reported a serialization failure or a deadlock. A
 * `BatchError` (a parallel batch that failed part-way) is retryable when its cause is: writes are
 * upserts, so the whole batch again converges.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof BatchError) return isRetryable(error.cause)
  const mapped = toTimescaleError(error)
  return mapped.code === ErrorCodes.CONNECTION || mapped.code === ErrorCodes.SERIALIZATION
}

/**
 * The server settings whose limits a caller can lift, by what PostgreSQL and TimescaleDB report:
 * 53200 with the lock table's hint, and TimescaleDB's decompression limit (53400).
 */
function serverLimitOf(pg: { code: string; message: string; hint?: string }): { setting: string; cure: string } | undefined {
  if (pg.code === '53200' && /max_locks_per_transaction/.test(`${pg.message} ${pg.hint ?? ''}`)) {
    return {
      setting: 'max_locks_per_transaction',
      cure:
        'the transaction locked more chunks than the lock table holds: raise max_locks_per_transaction (a server restart), ' +
        'or touch fewer chunks per transaction (insertManyRecords without atomic: true sizes its transactions for it; ' +
        'dropChunks and compressChunks do for chunk maintenance)',
    }
  }
  if (pg.code === '53400' && /decompress/i.test(pg.message)) {
    return {
      setting: 'timescaledb.max_tuples_decompressed_per_dml_transaction',
      cure:
        'the write decompressed more rows of compressed chunks than the setting allows in one transaction: raise it ' +
        '(0 = no limit; SET, ALTER ROLE or ALTER DATABASE), or write fewer rows per transaction ' +
        '(insertManyRecords without atomic: true sizes its transactions for it)',
    }
  }
  return undefined
}

function codeOf(error: unknown): string | undefined {
  return causeChain(error).find((e) => typeof e.code === 'string')?.code as string | undefined
}

function messageOf(error: unknown): string {
  // Drizzle's "Failed query: ..." wrapper holds the driver's error as its cause: the innermost message.
  const innermost = causeChain(error).at(-1)
  if (innermost) return typeof innermost.message === 'string' ? innermost.message : String(innermost)
  return error instanceof Error ? error.message : String(error)
}
