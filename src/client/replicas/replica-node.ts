import type { NodeHealth } from '../../client/client-types.ts'
import { postgresJsClientOf } from '../../internal/driver.ts'
import { fetchTypesOnce } from '../../internal/fetch-types-once.ts'
import type { AnyPgDatabase } from '../../internal/query-rows.ts'
import { toTimescaleError } from '../../to-timescale-error.ts'
import type { ConnectionInfo } from '../connection-info.ts'
import { measureReplica } from './measure-replica.ts'
import type { ResolvedReplicaOptions } from './replica-options.ts'

/** A replica's Drizzle database, where it is, and how to close its pool. */
export interface ReplicaDatabase<TDb extends AnyPgDatabase> {
  db: TDb
  connection: ConnectionInfo
  release: (timeoutSeconds: number) => Promise<void>
}

/**
 * One read replica and what the last check found: in recovery, reachable, and how far behind.
 * Checks are single-flight and bounded by `checkTimeoutMs`; a failed read marks the replica down
 * at once (until the next check), and a check that was already running is then discarded.
 */
export class ReplicaNode<TDb extends AnyPgDatabase> {
  readonly db: TDb
  readonly connection: ConnectionInfo
  reads = 0
  readonly #primary: AnyPgDatabase
  readonly #options: ResolvedReplicaOptions
  readonly #release: (timeoutSeconds: number) => Promise<void>
  #healthy = false
  #lagSeconds: number | null = null
  #checkedAt: number | null = null
  #error: string | undefined = 'not checked yet'
  #caughtUpAt: number | undefined
  #checking: Promise<void> | undefined
  #generation = 0

  constructor(replica: ReplicaDatabase<TDb>, primary: AnyPgDatabase, options: ResolvedReplicaOptions) {
    this.db = replica.db
    this.connection = { ...replica.connection }
    this.#release = replica.release
    this.#primary = primary
    this.#options = options
  }

  /** Healthy by the last check, and not marked down since. */
  get usable(): boolean {
    return this.#healthy
  }

  /** Never checked, or the last check is older than the interval. */
  get stale(): boolean {
    return this.#checkedAt === null || Date.now() - this.#checkedAt >= this.#options.intervalMs
  }

  /** Checks the replica now (joining a check already running). Never rejects. */
  check(): Promise<void> {
    this.#checking ??= this.#measure().finally(() => {
      this.#checking = undefined
    })
    return this.#checking
  }

  /** A read failed on this replica: skip it until the next check. */
  markDown(error: unknown): void {
    this.#generation++
    const mapped = toTimescaleError(error)
    this.#set(false, this.#lagSeconds, `${mapped.code}: ${mapped.message}`)
  }

  health(): NodeHealth {
    return {
      role: 'replica',
      host: this.connection.host,
      port: this.connection.port,
      healthy: this.#healthy,
      lagSeconds: this.#lagSeconds,
      reads: this.reads,
      checkedAt: this.#checkedAt === null ? null : new Date(this.#checkedAt),
      ...(this.#error === undefined ? {} : { error: this.#error }),
    }
  }

  release(timeoutSeconds: number): Promise<void> {
    return this.#release(timeoutSeconds)
  }

  async #measure(): Promise<void> {
    const generation = this.#generation
    const { checkTimeoutMs, maxLagSeconds } = this.#options
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replica check timed out after ${checkTimeoutMs} ms`)), checkTimeoutMs)
    })
    try {
      const measuring = measureReplica(this.#primary, this.db, this.#caughtUpAt, checkTimeoutMs / 2)
      const found = await Promise.race([measuring, timeout])
      const pool = postgresJsClientOf(this.db)
      if (pool) fetchTypesOnce(pool)
      if (generation !== this.#generation) return
      if (found.caughtUpAt !== undefined) this.#caughtUpAt = found.caughtUpAt
      const lag = found.lagSeconds
      if (!found.inRecovery) this.#set(false, null, 'not a replica: pg_is_in_recovery() is false (promoted, or a primary URL)')
      else if (lag === null) this.#set(false, null, 'replication lag unknown: no transaction replayed and the primary is unreachable')
      else if (lag > maxLagSeconds) this.#set(false, lag, `replication lag ${lag} s exceeds maxReplicaLagSeconds ${maxLagSeconds}`)
      else this.#set(true, lag, undefined)
    } catch (error) {
      if (generation !== this.#generation) return
      const mapped = toTimescaleError(error)
      this.#set(false, null, `${mapped.code}: ${mapped.message}`)
    } finally {
      clearTimeout(timer)
    }
  }

  #set(healthy: boolean, lagSeconds: number | null, error: string | undefined): void {
    this.#healthy = healthy
    this.#lagSeconds = lagSeconds
    this.#error = error
    this.#checkedAt = Date.now()
  }
}
