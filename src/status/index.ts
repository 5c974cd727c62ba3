export { collectStatus } from './collect-status.ts'
export type { ContinuousAggregateStatus, HypertableStatus, JobStatus, TimescaleStatus } from './timescale-status.ts'
