#!/usr/bin/env bun
/*
 * A fresh process (nothing loaded, nothing compiled yet) that starts the embedded database,
 * migrates it and prints the two durations as JSON: the cold start a user's first test pays.
 */
const started = performance.now()
const { createEmbeddedDatabase } = await import('../../src/embedded/index.ts')
const { migrate } = await import('../../src/migrate.ts')
const tsdb = await createEmbeddedDatabase({ migrate: false })
const ready = performance.now()
const { applied } = await migrate(tsdb.db)
const migrated = performance.now()
await tsdb.close()
process.stdout.write(`${JSON.stringify({ startMs: ready - started, migrateMs: migrated - ready, migrations: applied.length })}\n`)

export {}
