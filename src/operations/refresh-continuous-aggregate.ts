import { type SQL, sql } from 'drizzle-orm'
import { readContinuousAggregates } from '../catalog/read-continuous-aggregates.ts'
import { readServerInfo, versionAtLeast } from '../catalog/read-server-info.ts'
import { findPgError } from '../internal/pg-error.ts'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { requireTimescaleLicense } from '../repository/require-timescale-license.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid, isPlainObject } from '../validation/invalid.ts'
import { validateBoolean, validateInteger } from '../validation/validate-options.ts'
import { type RelationRef, relationName } from './relation-name.ts'
import { TIME_CASTS, timeValueSql } from './time-value-sql.ts'

/** What `refreshContinuousAggregate` takes. */
export interface RefreshOptions {
  /** Start of the window (a `Date` or ISO 8601 text with an offset; an integer for an integer time column); `null` or left out: from the oldest data. */
  from?: Date | string | number | null
  /** End of the window, exclusive; `null` or left out: to the newest data. Buckets not wholly inside are not refreshed. */
  to?: Date | string | number | null
  /** Re-materialize the window even where nothing changed (`force`). */
  force?: boolean
  /**
   * The whole window in one pass, committed at once. TimescaleDB 2.28+ refreshes by hand in batches
   * of buckets, each committed on its own, as the policies do; older versions always do one pass.
   */
  atomic?: boolean
  /** Buckets per batch (2.28+; `0` is one pass). */
  bucketsPerBatch?: number
  /** Stop after this many batches (2.28+); the rest waits for the next refresh. */
  maxBatchesPerExecution?: number
  /** Newest batches first (2.28+). */
  newestFirst?: boolean
  /** Attempts when another refresh of an overlapping window holds it (55P03) or a deadlock (40P01) stops it: default 6. */
  attempts?: number
}

/** What a refresh did. */
export interface RefreshResult {
  /** `schema.name` of the aggregate. */
  aggregate: string
  /** 1, or more when a concurrent refresh (the scheduler's, say) made it wait. */
  attempts: number
  durationMs: number
  /** The aggregate's watermark afterwards (ISO 8601 UTC), `null` when nothing is materialized. */
  watermark: string | null
}

const OPTIONS = ['from', 'to', 'force', 'atomic', 'bucketsPerBatch', 'maxBatchesPerExecution', 'newestFirst', 'attempts']
const RETRIED = new Set(['55P03', '40P01'])

/**
 * Refreshes a continuous aggregate over a window (`CALL refresh_continuous_aggregate`): after a
 * backfill below its refresh policy's window, say. A refresh racing another of an overlapping
 * window (the scheduler's policy, another process) fails at once with 55P03 on TimescaleDB 2.28+;
 * it is retried with backoff, as a deadlock is. On 2.28+ the window is refreshed in batches unless
 * `atomic` is asked (the batch options pass through); before 2.28 a refresh is always one pass and
 * the batch options are refused.
 *
 * @throws {QueryError} `FEATURE_NOT_LICENSED` on the Apache edition (it has no continuous aggregates).
 * @throws {ValidationError} field `aggregate` when it is none here; `from`/`to` and the options for bad values.
 * @example
 * ```ts
 * import { refreshContinuousAggregate } from 'drizzle-timescale'
 *
 * await refreshContinuousAggregate(db, hourly, { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', atomic: true })
 * ```
 * @see https://docs.timescale.com/api/latest/continuous-aggregates/refresh_continuous_aggregate/
 */
export async function refreshContinuousAggregate(
  db: AnyPgDatabase,
  aggregate: RelationRef,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  if (!isPlainObject(options)) throw invalid('options', 'must be an object')
  for (const key of Object.keys(options)) if (!OPTIONS.includes(key)) throw invalid(key, `is not a refresh option (${OPTIONS.join(', ')})`)
  const { schema, name } = relationName(aggregate, 'aggregate')
  await requireTimescaleLicense(db, 'refreshContinuousAggregate', 'continuous aggregates')
  const [found] = await queryRows<{ type: string }>(
    db,
    sql`select format_type(d.column_type, null) as type
        from timescaledb_information.continuous_aggregates a
        join timescaledb_information.dimensions d on d.hypertable_schema = a.hypertable_schema
          and d.hypertable_name = a.hypertable_name and d.dimension_number = 1
        where a.view_schema = ${schema} and a.view_name = ${name}`,
  )
  if (!found) throw invalid('aggregate', `${schema}.${name} is no continuous aggregate of this database`)
  const from = windowBound(options.from, 'from', found.type)
  const to = windowBound(options.to, 'to', found.type)
  const batching = await batchingOptions(db, options)
  const attempts = validateInteger(options.attempts, 'attempts', 1, 20, 6)
  const force = validateBoolean(options.force, 'force') ?? false
  const started = performance.now()
  const call = sql`call refresh_continuous_aggregate(${`"${schema}"."${name}"`}::regclass, ${from}, ${to}, ${force}::boolean${
    batching ? sql`, ${JSON.stringify(batching)}::jsonb` : sql``
  })`
  for (let attempt = 1; ; attempt++) {
    try {
      await queryRows(db, call)
      const after = (await readContinuousAggregates(db)).find((a) => a.schema === schema && a.name === name)
      return {
        aggregate: `${schema}.${name}`,
        attempts: attempt,
        durationMs: performance.now() - started,
        watermark: after?.watermark ?? null,
      }
    } catch (error) {
      const code = findPgError(error)?.code
      if (attempt >= attempts || code === undefined || !RETRIED.has(code)) {
        throw toTimescaleError(error, { operation: `refreshContinuousAggregate (${schema}.${name}, attempt ${attempt} of ${attempts})` })
      }
      const delay = Math.min(5_000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random())
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/** A window edge as the aggregate's time type takes it; `NULL` of that type for an open end. */
function windowBound(value: unknown, field: string, type: string): SQL {
  const cast = TIME_CASTS[type]
  if (cast === undefined) throw invalid('aggregate', `has a time column of type ${type}, which this refresh cannot bound`)
  return value === undefined || value === null ? sql`null::${sql.raw(cast)}` : timeValueSql(value, field, type)
}

/** The `options` jsonb of 2.28+; `null` for the server's defaults or before 2.28. */
async function batchingOptions(db: AnyPgDatabase, options: RefreshOptions): Promise<Record<string, unknown> | null> {
  const atomic = validateBoolean(options.atomic, 'atomic') ?? false
  const perBatch =
    options.bucketsPerBatch === undefined ? undefined : validateInteger(options.bucketsPerBatch, 'bucketsPerBatch', 0, 2 ** 31 - 1, 0)
  const maxBatches =
    options.maxBatchesPerExecution === undefined
      ? undefined
      : validateInteger(options.maxBatchesPerExecution, 'maxBatchesPerExecution', 0, 2 ** 31 - 1, 0)
  const newestFirst = validateBoolean(options.newestFirst, 'newestFirst')
  if (atomic && (perBatch !== undefined || maxBatches !== undefined)) {
    throw invalid('atomic', 'is one pass: it takes no bucketsPerBatch or maxBatchesPerExecution')
  }
  const batched = perBatch !== undefined || maxBatches !== undefined || newestFirst !== undefined
  if (!atomic && !batched) return null
  const server = await readServerInfo(db)
  if (!versionAtLeast(server, 2, 28)) {
    // Before 2.28 a refresh by hand is one pass, always: atomic is what it does.
    if (batched) {
      const field = perBatch !== undefined ? 'bucketsPerBatch' : maxBatches !== undefined ? 'maxBatchesPerExecution' : 'newestFirst'
      throw invalid(
        field,
        `needs TimescaleDB 2.28 or newer (this server has ${server.timescaledbVersion}), where a refresh by hand is one pass`,
      )
    }
    return null
  }
  if (atomic) return { buckets_per_batch: 0 }
  return {
    ...(perBatch === undefined ? {} : { buckets_per_batch: perBatch }),
    ...(maxBatches === undefined ? {} : { max_batches_per_execution: maxBatches }),
    ...(newestFirst === undefined ? {} : { refresh_newest_first: newestFirst }),
  }
}
