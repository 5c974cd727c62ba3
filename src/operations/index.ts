/*
 * Operating TimescaleDB from code, for any hypertable (the package's and declared ones): chunks
 * (list, compress, decompress, drop, in lock-table-sized steps), jobs (list, run, pause, resume,
 * reschedule) and continuous-aggregate refreshes (batched or atomic, retried against the scheduler).
 */
export type { CatalogJob } from '../catalog/read-jobs.ts'
export { alterJob, type JobChanges } from './alter-job.ts'
export type { ChunkProgress, ChunkRun } from './chunk-run.ts'
export type { ChunkWindow } from './chunk-window.ts'
export { compressChunks } from './compress-chunks.ts'
export { decompressChunks } from './decompress-chunks.ts'
export { dropChunks } from './drop-chunks.ts'
export { listChunks } from './list-chunks.ts'
export { listJobs } from './list-jobs.ts'
export type { ChunkInfo } from './read-chunks.ts'
export { type RefreshOptions, type RefreshResult, refreshContinuousAggregate } from './refresh-continuous-aggregate.ts'
export type { RelationRef } from './relation-name.ts'
export { runJob } from './run-job.ts'
