import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../../internal/query-rows.ts'

/** What one check found out about a replica. */
export interface ReplicaMeasurement {
  /** `pg_is_in_recovery()`: `false` means the node is a primary (promoted, or the wrong URL). */
  inRecovery: boolean
  /** Upper bound on how old the replica's data is, in seconds; `null` when unknown. */
  lagSeconds: number | null
  /** Client time (ms) up to which the replica is known to hold every commit of the primary. */
  caughtUpAt?: number
}

interface ReplicaRow extends Record<string, unknown> {
  in_recovery: boolean
  caught_up: boolean | null
  replayed_all: boolean
  replay_age: number | null
}

/** A replica not caught up yet is asked once more after this long: it is usually milliseconds behind. */
const SECOND_LOOK_MS = 100

/**
 * Measures how far a streaming replica is behind its primary. It reads the primary's WAL position
 * first, then asks the replica whether it has replayed up to it: if so, the replica holds every
 * commit made before that read, and its lag is at most the time since. If not (also after a second
 * look), the lag is the smaller of the age of the last transaction it replayed
 * (`now() - pg_last_xact_replay_timestamp()`, which overstates it after the primary was idle) and
 * the time since it was last seen caught up. Without the primary (no answer within
 * `primaryTimeoutMs`), a replica that has replayed all the WAL it received counts as current.
 * Every function used is executable by any role.
 *
 * @example
 * ```ts
 * const { inRecovery, lagSeconds } = await measureReplica(primaryDb, replicaDb, undefined, 1000)
 * ```
 * @see https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-CONTROL
 */
export async function measureReplica(
  primary: AnyPgDatabase,
  replica: AnyPgDatabase,
  lastCaughtUpAt: number | undefined,
  primaryTimeoutMs: number,
): Promise<ReplicaMeasurement> {
  const askedAt = Date.now()
  const primaryLsn = await readPrimaryLsn(primary, primaryTimeoutMs)
  let row = await readReplica(replica, primaryLsn)
  if (row.in_recovery && row.caught_up === false) {
    await new Promise((resolve) => setTimeout(resolve, SECOND_LOOK_MS))
    row = await readReplica(replica, primaryLsn)
  }
  if (!row.in_recovery) return { inRecovery: false, lagSeconds: null }
  const now = Date.now()
  if (row.caught_up) return { inRecovery: true, lagSeconds: seconds(now - askedAt), caughtUpAt: askedAt }
  if (row.caught_up === null) return { inRecovery: true, lagSeconds: row.replayed_all ? 0 : rounded(row.replay_age) }
  const bounds = [row.replay_age, lastCaughtUpAt === undefined ? null : seconds(now - lastCaughtUpAt)].filter(
    (value): value is number => value !== null,
  )
  return { inRecovery: true, lagSeconds: bounds.length ? rounded(Math.min(...bounds)) : null }
}

/** The primary's current WAL position, or `null` when it does not answer in time. */
async function readPrimaryLsn(primary: AnyPgDatabase, timeoutMs: number): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs)
  })
  const lsn = queryRows<{ lsn: string }>(primary, sql`select pg_current_wal_lsn()::text as lsn`).then(
    ([row]) => row?.lsn ?? null,
    () => null,
  )
  try {
    return await Promise.race([lsn, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function readReplica(replica: AnyPgDatabase, primaryLsn: string | null): Promise<ReplicaRow> {
  const [row] = await queryRows<ReplicaRow>(
    replica,
    sql`select pg_is_in_recovery() as in_recovery,
               pg_last_wal_replay_lsn() >= ${primaryLsn}::pg_lsn as caught_up,
               coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false) as replayed_all,
               extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as replay_age`,
  )
  if (!row) throw new Error('the replica check returned no row')
  return { ...row, replay_age: row.replay_age === null ? null : Math.max(0, Number(row.replay_age)) }
}

function seconds(ms: number): number {
  return Math.round(Math.max(0, ms)) / 1000
}

function rounded(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000
}
