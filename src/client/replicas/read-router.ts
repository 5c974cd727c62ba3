import { withReplicas } from 'drizzle-orm/pg-core'
import type { NodeHealth, ReadRoute } from '../../client/client-types.ts'
import type { AnyPgDatabase } from '../../internal/query-rows.ts'
import { isRetryable } from '../../to-timescale-error.ts'
import type { ConnectionInfo } from '../connection-info.ts'
import { isReplicaRead } from '../operations.ts'
import type { ReplicaNode } from './replica-node.ts'

/**
 * Routes a client's lag-tolerant reads to its replicas, round-robin over those healthy by their
 * last check, and to the primary when none is. Checks run in the background when a result is
 * older than the interval (reads never wait for one). A read that fails on a replica in a way a
 * retry may fix (broken connection, recovery conflict) marks the replica down and runs again on
 * the primary at once.
 */
export class ReadRouter<TDb extends AnyPgDatabase> {
  readonly #primary: TDb
  readonly #primaryConnection: ConnectionInfo
  readonly #replicas: ReplicaNode<TDb>[]
  #primaryReads = 0
  #next = 0
  #closed = false

  constructor(primary: TDb, primaryConnection: ConnectionInfo, replicas: ReplicaNode<TDb>[]) {
    this.#primary = primary
    this.#primaryConnection = { ...primaryConnection }
    this.#replicas = replicas
  }

  /**
   * Drizzle's `withReplicas` over the primary and the replicas: `select` (and the relational
   * `query`) go to the replica this router would choose, everything else to the primary
   * (`$primary`). A failed select is not retried elsewhere.
   *
   * @see https://orm.drizzle.team/docs/read-replicas
   */
  drizzle(): TDb {
    const [first, ...rest] = this.#replicas.map((node) => node.db)
    if (!first) return this.#primary
    // biome-ignore lint: withReplicas's generics cannot be inferred from a generic TDb.
    return withReplicas(this.#primary as any, [first, ...rest] as any, () => this.#take()?.db ?? this.#primary) as TDb
  }

  /** Where a call of `operation` would go now (no read is counted, no rotation advanced). */
  routeFor(operation: string): ReadRoute {
    const node = isReplicaRead(operation) ? this.#choose(false) : undefined
    const { host, port } = node?.connection ?? this.#primaryConnection
    return { role: node ? 'replica' : 'primary', host, port }
  }

  /** Runs `fn` on a healthy replica, or on the primary (also after a retryable failure on the replica). */
  async run<T>(fn: (db: TDb) => Promise<T>): Promise<T> {
    const node = this.#take()
    if (!node) return fn(this.#primary)
    try {
      return await fn(node.db)
    } catch (error) {
      if (!isRetryable(error)) throw error
      node.markDown(error)
      this.#primaryReads++
      return fn(this.#primary)
    }
  }

  /**
   * Opens a stream on a healthy replica, or on the primary. `open` is called at once (so bad
   * arguments throw here); a retryable failure while iterating marks the replica down, so that the
   * caller's retry, which opens again, lands on the primary.
   */
  stream<T>(open: (db: TDb) => AsyncIterable<T>): AsyncIterable<T> {
    const node = this.#take()
    if (!node) return open(this.#primary)
    return watch(node, open(node.db))
  }

  /** Checks every replica now; resolves when all checks are done (each is bounded). */
  async checkAll(): Promise<void> {
    await Promise.all(this.#replicas.map((node) => node.check()))
  }

  /** The primary (as `healthCheck()` found it), then each replica. */
  nodes(primary: { healthy: boolean; checkedAt: Date; error?: string }): NodeHealth[] {
    const { host, port } = this.#primaryConnection
    const error = primary.error ? { error: primary.error } : {}
    const { healthy, checkedAt } = primary
    return [
      { role: 'primary', host, port, healthy, lagSeconds: 0, reads: this.#primaryReads, checkedAt, ...error },
      ...this.#replicas.map((node) => node.health()),
    ]
  }

  /** Closes the replicas' pools; the primary's is the caller's. */
  async close(timeoutSeconds: number): Promise<void> {
    this.#closed = true
    await Promise.all(this.#replicas.map((node) => node.release(timeoutSeconds).catch(() => {})))
  }

  /** Chooses a node for one read and counts it there. */
  #take(): ReplicaNode<TDb> | undefined {
    const node = this.#choose(true)
    if (node) node.reads++
    else this.#primaryReads++
    return node
  }

  #choose(advance: boolean): ReplicaNode<TDb> | undefined {
    if (!this.#closed) {
      for (const node of this.#replicas) if (node.stale) void node.check()
    }
    const usable = this.#replicas.filter((node) => node.usable)
    if (usable.length === 0) return undefined
    const node = usable[this.#next % usable.length]
    if (advance) this.#next = (this.#next + 1) % 1_000_000
    return node
  }
}

async function* watch<T>(node: ReplicaNode<AnyPgDatabase>, stream: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  try {
    yield* stream
  } catch (error) {
    if (isRetryable(error)) node.markDown(error)
    throw error
  }
}
