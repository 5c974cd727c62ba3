/**
 * Every operation of the client, and where it runs: a `write` and a `read` on the primary (reads
 * of entities must see the latest writes), a `replica-read` on a healthy read replica when the
 * client has some (reads that tolerate a few seconds of lag). The one list that the client's
 * methods and the replica router both read; a method of the client that is not here does not
 * compile.
 *
 * @example
 * ```ts
 * OPERATIONS.getRecords // 'replica-read'
 * ```
 * @see docs/replicas.md
 */
export const OPERATIONS = {
  insertRecord: 'write',
  insertManyRecords: 'write',
  upsertEntity: 'write',
  deactivateEntity: 'write',
  getEntity: 'read',
  listEntities: 'read',
  getRecords: 'replica-read',
  getLatestValues: 'replica-read',
  getAggregate: 'replica-read',
  getTimeBuckets: 'replica-read',
  streamRecords: 'replica-read',
  // A declared hypertable's handle (client.hypertable(declaration)).
  insertMany: 'write',
  range: 'replica-read',
  latest: 'replica-read',
  buckets: 'replica-read',
  aggregate: 'replica-read',
  // Page by page on the primary, each page retried (a page is one statement from a cursor).
  stream: 'read',
} as const satisfies Record<string, 'write' | 'read' | 'replica-read'>

/** A client operation (a method name). */
export type Operation = keyof typeof OPERATIONS

/** The operations that may run on a read replica. */
export type ReplicaRead = { [K in Operation]: (typeof OPERATIONS)[K] extends 'replica-read' ? K : never }[Operation]

/** The operations that run on the primary. */
export type PrimaryOperation = Exclude<Operation, ReplicaRead>

/** Whether `operation` (any method name) may run on a read replica. */
export function isReplicaRead(operation: string): operation is ReplicaRead {
  return (OPERATIONS as Record<string, string>)[operation] === 'replica-read'
}
