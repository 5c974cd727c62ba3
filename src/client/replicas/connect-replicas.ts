import { ValidationError } from '../../errors.ts'
import type { AnyPgDatabase } from '../../internal/query-rows.ts'
import { invalid } from '../../validation/invalid.ts'
import type { ConnectionInfo } from '../connection-info.ts'
import { ReadRouter } from './read-router.ts'
import { type ReplicaDatabase, ReplicaNode } from './replica-node.ts'
import type { ResolvedReplicaOptions } from './replica-options.ts'

/**
 * Opens a pool on each replica URL (with `open`), checks each replica once (bounded: a replica
 * that is down or behind is reported, not fatal; reads go to the primary until it recovers) and
 * returns the router of the client's reads; `undefined` without replicas.
 *
 * @throws {ValidationError} for a malformed replica URL (`details.field` is `replicas[i]`); the pools opened so far are closed.
 * @example
 * ```ts
 * const reads = await connectReplicas(db, connectionInfoOf(sql), resolveReplicaOptions(config), (url) => openPool(url))
 * ```
 */
export async function connectReplicas<TDb extends AnyPgDatabase>(
  primary: TDb,
  primaryConnection: ConnectionInfo,
  options: ResolvedReplicaOptions,
  open: (url: string) => ReplicaDatabase<TDb>,
): Promise<ReadRouter<TDb> | undefined> {
  if (options.urls.length === 0) return undefined
  const nodes: ReplicaNode<TDb>[] = []
  try {
    options.urls.forEach((url, i) => {
      try {
        nodes.push(new ReplicaNode(open(url), primary, options))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        throw invalid(`replicas[${i}]`, error.message.replace(/^connectionString /, ''))
      }
    })
  } catch (error) {
    await Promise.all(nodes.map((node) => node.release(0).catch(() => {})))
    throw error
  }
  const router = new ReadRouter(primary, primaryConnection, nodes)
  await router.checkAll()
  return router
}
