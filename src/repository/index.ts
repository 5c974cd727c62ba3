/*
 * The thin repository: plain functions over any Drizzle PostgreSQL database or transaction.
 * They validate their input, never retry, and throw the package's typed errors.
 */
export { deactivateEntity } from './deactivate-entity.ts'
export { getAggregate } from './get-aggregate.ts'
export { getEntity } from './get-entity.ts'
export { getLatestValues } from './get-latest-values.ts'
export { getRecords } from './get-records.ts'
export { getTimeBuckets, MAX_GAPFILL_BUCKETS } from './get-time-buckets.ts'
export { insertManyRecords } from './insert-many-records.ts'
export { insertRecord } from './insert-record.ts'
export { listEntities } from './list-entities.ts'
export { streamRecords } from './stream-records.ts'
export { upsertEntity } from './upsert-entity.ts'
