/*
 * A Node.js project that installed drizzle-timescale from its packed tarball with a plain
 * `npm install` (test/consumers/run.sh sets it up outside the repository, with no Bun on PATH).
 * Run by `node --test` on each Node.js version CI tests (20, the machine's; 22, the current LTS),
 * against the native servers of APACHE_URL and TSL_URL and the embedded database. Child commands
 * run with the same Node.js (process.execPath).
 */
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import { getLatestValues, getRecords, insertManyRecords, listChunks, timescale } from 'drizzle-timescale'
import { createEmbeddedDatabase } from 'drizzle-timescale/embedded'
import { migrate } from 'drizzle-timescale/migrate'
import { timeSeriesData } from 'drizzle-timescale/schema'
import { createTestDatabase } from 'drizzle-timescale/testing'
import { hypertable } from 'drizzle-timescale/toolkit'
import pg from 'pg'
import postgres from 'postgres'

const HERE = import.meta.dirname ?? new URL('.', import.meta.url).pathname
const CLI = join(HERE, 'node_modules/drizzle-timescale/dist/cli/main.js')
const DRIZZLE_KIT = join(HERE, 'node_modules/drizzle-kit/bin.cjs')
const TSC = join(HERE, 'node_modules/typescript/bin/tsc')
const servers = Object.entries({ apache: process.env.APACHE_URL, tsl: process.env.TSL_URL }).filter(([, url]) => url)
const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number)
// require() of an ES module: unflagged in Node.js 22.12 and 20.19.
const requiresEsm = nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 12) || (nodeMajor === 20 && nodeMinor >= 19)

/** Runs `node <script> <args>` (a bin of the project) and returns its output; throws with it on a non-zero exit. */
function run(script, args, { env = {}, cwd = HERE } = {}) {
  return execFileSync(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' })
}

const records = Array.from({ length: 500 }, (_, i) => ({
  entity_id: `sensor-${i % 5}`,
  time: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  value: i / 2,
}))

test('every subpath imports as an ES module', async () => {
  for (const subpath of [
    'drizzle-timescale',
    'drizzle-timescale/schema',
    'drizzle-timescale/toolkit',
    'drizzle-timescale/embedded',
    'drizzle-timescale/testing',
    'drizzle-timescale/migrate',
  ]) {
    const mod = await import(subpath)
    assert.ok(Object.keys(mod).length > 0, subpath)
  }
  assert.equal(typeof timeSeriesData, 'object')
  assert.equal(typeof hypertable, 'function')
})

test("the consumer's tsc resolves the types (moduleResolution bundler and node16)", () => {
  run(TSC, ['-p', 'tsconfig.bundler.json'])
  run(TSC, ['-p', 'tsconfig.node16.json'])
})

test(`CommonJS: require() of the package ${requiresEsm ? 'works (require of an ES module)' : 'is refused (ERR_REQUIRE_ESM) before Node.js 20.19/22.12'}`, () => {
  const require = createRequire(join(HERE, 'index.cjs'))
  if (requiresEsm) assert.equal(typeof require('drizzle-timescale').insertManyRecords, 'function')
  else
    assert.throws(
      () => require('drizzle-timescale'),
      (e) => e.code === 'ERR_REQUIRE_ESM',
    )
})

test('the embedded database and the testing kit (the documented optional peer)', async () => {
  const tsdb = await createTestDatabase()
  try {
    await insertManyRecords(tsdb.db, records)
    assert.equal((await getRecords(tsdb.db, 'sensor-1', { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' })).length, 100)
  } finally {
    await tsdb.close()
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'dts-node-embedded-'))
  try {
    const embedded = await createEmbeddedDatabase({ dataDir })
    await embedded.close()
    const status = JSON.parse(run(CLI, ['status', '--json', '--data-dir', dataDir]))
    assert.ok(status.hypertables.some((h) => h.name === 'time_series_data'))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('serve: the embedded database on a port, read by postgres.js', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dts-node-serve-'))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    let output = ''
    const served = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 60_000)
      const onData = (chunk) => {
        output += chunk
        const url = /URL: (\S+)/.exec(output)?.[1]
        if (url) {
          clearTimeout(timer)
          resolve(url)
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)))
    })
    const sql = postgres(served, { max: 1, onnotice: () => {} })
    const [row] = await sql`select count(*)::int as n from time_series_data`
    assert.equal(row.n, 0)
    await sql.end()
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    rmSync(dataDir, { recursive: true, force: true })
  }
})

for (const [edition, url] of servers) {
  test(`on the native ${edition} server: drizzle-kit migrate, postgres.js and node-postgres, the CLI, the toolkit`, async () => {
    const name = `consumer_${edition}_${randomBytes(4).toString('hex')}`
    const admin = postgres(url, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database "${name}"`)
    const dbUrl = url.replace(/\/[^/]*$/, `/${name}`)
    const env = { DATABASE_URL: dbUrl }
    const client = postgres(dbUrl, { max: 4, onnotice: () => {} })
    const pool = new pg.Pool({ connectionString: dbUrl, max: 4 })
    try {
      run(DRIZZLE_KIT, ['migrate', '--config', 'node_modules/drizzle-timescale/drizzle.config.ts'], { env })
      const db = drizzle(client)
      await migrate(db) // applied by drizzle-kit already: nothing to do
      await insertManyRecords(db, records)
      assert.equal((await getRecords(db, 'sensor-2', { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z' })).length, 100)
      const viaPg = drizzlePg(pool)
      await insertManyRecords(
        viaPg,
        records.map((r) => ({ ...r, value: r.value + 1 })),
      )
      const latest = await getLatestValues(viaPg, ['sensor-4'])
      assert.equal(latest[0].value, records.at(-1).value + 1)
      assert.ok((await listChunks(db, 'time_series_data')).length > 0)

      const status = JSON.parse(run(CLI, ['status', '--json'], { env }))
      assert.ok(status.hypertables.some((h) => h.name === 'time_series_data'))
      run(CLI, ['import', 'readings.csv'], { env })
      assert.equal((await client`select count(*)::int as n from time_series_data where entity_id like 'meter-%'`)[0].n, 3)

      // The toolkit in a project folder: drizzle-kit's table, then its hypertable and aggregate.
      const app = join(HERE, 'app')
      rmSync(join(app, 'drizzle'), { recursive: true, force: true })
      run(DRIZZLE_KIT, ['generate'], { env, cwd: app })
      assert.match(run(CLI, ['generate'], { env, cwd: app }), /statements/)
      run(DRIZZLE_KIT, ['migrate'], { env, cwd: app })
      run(CLI, ['check'], { env, cwd: app })
      const [hyper] =
        await client`select count(*)::int as n from timescaledb_information.hypertables where hypertable_name = 'consumer_meters'`
      assert.equal(hyper.n, 1)
      // The engine on that declared table (declared again here in JavaScript: Node.js 20 imports no TypeScript).
      const meters = pgTable(
        'consumer_meters',
        {
          meter: text('meter').notNull(),
          time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
          kwh: doublePrecision('kwh').notNull(),
        },
        (t) => [primaryKey({ columns: [t.meter, t.time] })],
      )
      const handle = timescale(db, hypertable(meters, { time: 'time', chunkInterval: '7 days' }))
      await handle.insertMany([
        { meter: 'm', time: '2025-01-01T00:00:00Z', kwh: 1 },
        { meter: 'm', time: '2025-01-02T00:00:00Z', kwh: 2 },
      ])
      const rows = await handle.range({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', where: { meter: 'm' }, order: 'asc' })
      assert.deepEqual(
        rows.map((r) => r.kwh),
        [1, 2],
      )
    } finally {
      await client.end()
      await pool.end()
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  })
}
