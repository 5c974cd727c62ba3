#!/usr/bin/env bun
/*
 * The main job: migrate a TimescaleDB and print what exists.
 * With DATABASE_URL set it uses that server (postgres.js); otherwise a fresh in-memory embedded
 * TimescaleDB, or one persisted under --data-dir DIR.
 */
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createEmbeddedDatabase } from '../src/embedded/index.ts'
import { describeTimescale, formatDescription } from '../src/inspect/index.ts'
import { migrate } from '../src/migrate.ts'

const dataDirIndex = process.argv.indexOf('--data-dir')
const dataDir = dataDirIndex > 0 ? process.argv[dataDirIndex + 1] : undefined
const url = process.env.DATABASE_URL

async function run(): Promise<void> {
  const started = performance.now()
  if (url) {
    // Print the migrations' own notices (TSL steps skipped on the Apache edition), not PostgreSQL's chatter.
    const onnotice = (n: { message?: string }) => n.message?.startsWith('drizzle-timescale:') && console.log(`NOTICE: ${n.message}`)
    const client = postgres(url, { max: 1, onnotice })
    try {
      const db = drizzle(client)
      const { applied } = await migrate(db)
      console.log(`Server ${new URL(url).host}: ${applied.length ? `applied ${applied.join(', ')}` : 'migrations already up to date'}`)
      console.log(formatDescription(await describeTimescale(db)))
    } finally {
      await client.end()
    }
  } else {
    await using tsdb = await createEmbeddedDatabase({ migrate: false, ...(dataDir ? { dataDir } : {}) })
    const { applied } = await migrate(tsdb.db)
    console.log(
      `Embedded TimescaleDB (${dataDir ? `persisted in ${dataDir}` : 'in memory'}): ${
        applied.length ? `applied ${applied.join(', ')}` : 'migrations already up to date'
      }`,
    )
    console.log(formatDescription(await describeTimescale(tsdb.db)))
  }
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

run().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  process.exit(1)
})
