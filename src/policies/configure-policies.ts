import { getTableName, type SQL, sql } from 'drizzle-orm'
import { readServerInfo } from '../catalog/read-server-info.ts'
import { ErrorCodes, QueryError, TimescaleClientError } from '../errors.ts'
import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import { queryRows } from '../internal/query-rows.ts'
import { timeSeriesData } from '../schema/time-series-data.ts'
import { toTimescaleError } from '../to-timescale-error.ts'
import { invalid } from '../validation/invalid.ts'
import { AGGREGATE, type Policies, readPolicies } from './read-policies.ts'
import { type PolicyOptions, validatePolicyOptions } from './validate-policy-options.ts'

const TABLE = getTableName(timeSeriesData)

/** What {@link configurePolicies} did. */
export interface PolicyChanges {
  /** The policies it replaced, added or removed (empty when everything already was as asked). */
  changed: ('retention' | 'compression' | 'refresh')[]
  /** The policies now. */
  policies: Policies
}

/**
 * Sets the package's TimescaleDB policies for this database: how old a chunk of time_series_data
 * gets before it is dropped (`retention`) and before it is compressed (`compressAfter`), and the
 * window and schedule of hourly_metrics' refresh (`refresh`). A key left out keeps its policy as it
 * is; `null` removes it (no retention: nothing is ever dropped). Idempotent: a policy that already
 * has the asked parameters is left alone (intervals compared as PostgreSQL compares them: `1 year`
 * equals `12 months`), and a changed one is removed and added again in the same transaction
 * (a job paused before stays paused). The migrations' defaults are 1 year, 7 days and
 * `{ startOffset: '1 day', endOffset: '1 hour', scheduleInterval: '1 hour' }`.
 *
 * Policies need the Timescale license: on the Apache edition any change is refused with
 * `FEATURE_NOT_LICENSED` (and the cure: drop old chunks with `drop_chunks` from a scheduler of your own).
 *
 * @throws {ValidationError} a bad option, `details.field` naming it (`retention`, `refresh.endOffset`, ...),
 *   or a refresh window TimescaleDB refuses (it must cover at least two buckets: 2 hours).
 * @throws {QueryError} `FEATURE_NOT_LICENSED` on the Apache edition.
 * @example
 * ```ts
 * import { configurePolicies } from 'drizzle-timescale'
 *
 * // Keep three years, compress after a month, refresh the last two days every 30 minutes.
 * await configurePolicies(db, {
 *   retention: '3 years',
 *   compressAfter: '30 days',
 *   refresh: { startOffset: '2 days', endOffset: '1 hour', scheduleInterval: '30 minutes' },
 * })
 * await configurePolicies(db, { retention: null }) // keep everything
 * ```
 * @see https://docs.timescale.com/api/latest/data-retention/add_retention_policy/
 */
export async function configurePolicies(db: AnyPgDatabase, options: PolicyOptions): Promise<PolicyChanges> {
  const asked = validatePolicyOptions(options)
  const server = await readServerInfo(db)
  if (server.license !== 'timescale' && Object.keys(asked).length > 0) {
    throw new QueryError(
      `configurePolicies: retention, compression and refresh policies need the Timescale license; this server runs the ${server.license ?? 'unknown'} edition of TimescaleDB. ` +
        "Drop old chunks with SELECT drop_chunks('time_series_data', older_than => INTERVAL '1 year') from a scheduler of your own",
      ErrorCodes.LICENSE,
      { details: { license: server.license } },
    )
  }
  try {
    return await db.transaction(async (tx) => {
      const before = await readPolicies(tx)
      const changed: PolicyChanges['changed'] = []
      // Retention and compression: one policy each on the table, with one interval.
      const onTable = [
        {
          name: 'retention' as const,
          asked: asked.retention,
          now: before.retention && { job: before.retention, interval: before.retention.dropAfter },
          remove: sql`select remove_retention_policy(${TABLE}, if_exists => true)`,
          add: (interval: string) => sql`select add_retention_policy(${TABLE}, ${interval}::interval) as id`,
        },
        {
          name: 'compression' as const,
          asked: asked.compressAfter,
          now: before.compression && { job: before.compression, interval: before.compression.compressAfter },
          remove: sql`select remove_compression_policy(${TABLE}, if_exists => true)`,
          add: (interval: string) => sql`select add_compression_policy(${TABLE}, ${interval}::interval) as id`,
        },
      ]
      for (const policy of onTable) {
        if (policy.asked === undefined) continue
        if (await sameIntervals(tx, [policy.now?.interval ?? null], [policy.asked])) continue
        if (policy.now) await tx.execute(policy.remove)
        if (policy.asked !== null) await addPolicy(tx, policy.add(policy.asked), policy.now?.job.scheduled)
        changed.push(policy.name)
      }
      if (asked.refresh !== undefined) {
        const now = before.refresh
        const want = asked.refresh
        const same =
          now !== null &&
          want !== null &&
          (await sameIntervals(
            tx,
            [now.startOffset, now.endOffset, now.schedule],
            [want.startOffset, want.endOffset, want.scheduleInterval],
          ))
        if (!same && !(now === null && want === null)) {
          if (now) await tx.execute(sql`select remove_continuous_aggregate_policy(${AGGREGATE}, if_exists => true)`)
          if (want) {
            await addRefreshPolicy(tx, want, now?.scheduled)
          }
          changed.push('refresh')
        }
      }
      return { changed, policies: changed.length > 0 ? await readPolicies(tx) : before }
    })
  } catch (error) {
    throw error instanceof TimescaleClientError ? error : toTimescaleError(error, { operation: 'configurePolicies' })
  }
}

/** Whether each interval of `a` equals the one of `b` as PostgreSQL compares intervals (`null` equals only `null`). */
async function sameIntervals(db: AnyPgDatabase, a: readonly (string | null)[], b: readonly (string | null)[]): Promise<boolean> {
  if (a.some((v, i) => (v === null) !== (b[i] === null))) return false
  const pairs = a.map((v, i) => [v, b[i] ?? null] as const).filter(([v]) => v !== null)
  if (pairs.length === 0) return true
  const checks = sql.join(
    pairs.map(([x, y]) => sql`${x}::interval = ${y}::interval`),
    sql` and `,
  )
  const [row] = await queryRows<{ same: boolean }>(db, sql`select (${checks}) as same`)
  return row?.same === true
}

/** Adds a policy (`statement` returns its job id as `id`); pauses it when the one it replaces was paused. */
async function addPolicy(db: AnyPgDatabase, statement: SQL, wasScheduled: boolean | undefined): Promise<void> {
  const [row] = await queryRows<{ id: number }>(db, statement)
  if (wasScheduled === false && row) await db.execute(sql`select alter_job(${Number(row.id)}::int, scheduled => false)`)
}

async function addRefreshPolicy(
  db: AnyPgDatabase,
  want: { startOffset: string | null; endOffset: string; scheduleInterval: string },
  wasScheduled: boolean | undefined,
): Promise<void> {
  const statement = sql`select add_continuous_aggregate_policy(${AGGREGATE},
    start_offset => ${want.startOffset}::interval, end_offset => ${want.endOffset}::interval,
    schedule_interval => ${want.scheduleInterval}::interval) as id`
  // TimescaleDB checks the window itself (at least two buckets): in a savepoint, so that its
  // refusal becomes the caller's ValidationError and not an aborted transaction.
  try {
    await db.transaction((sp) => addPolicy(sp, statement, wasScheduled))
  } catch (error) {
    const mapped = toTimescaleError(error)
    if (mapped.code === ErrorCodes.VALIDATION) {
      throw invalid('refresh', `was refused by TimescaleDB: ${mapped.message}`, {}, error)
    }
    throw error
  }
}
