export { collectStatus } from './collect-status.ts'
export { statusProblems } from './status-problems.ts'
export type { ContinuousAggregateStatus, HypertableStatus, JobStatus, TimescaleStatus } from './timescale-status.ts'
