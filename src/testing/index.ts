/*
 * drizzle-timescale/testing: fresh, migrated, in-memory TimescaleDB databases for a consuming
 * project's own tests, and a switch for the job scheduler of a real server.
 */

export { setJobsScheduled } from '../jobs/set-jobs-scheduled.ts'
export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './create-test-database.ts'
