/*
 * drizzle-timescale/testing: fresh, migrated, in-memory TimescaleDB databases for a consuming
 * project's own tests.
 */
export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './create-test-database.ts'
