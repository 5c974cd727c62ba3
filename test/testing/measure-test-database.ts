/*
 * How long one migrated test database takes: created and migrated from scratch
 * (createEmbeddedDatabase) or cloned from a migrated template (createTestDatabase).
 * Both are measured side by side, alternating, in one run: `bun test/testing/measure-test-database.ts [rounds]`.
 */
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import { createTestDatabase } from '../../src/testing/index.ts'

const rounds = Number(process.argv[2] ?? 8)
const time = async (open: () => Promise<{ close(): Promise<void>; pglite: { query(q: string): Promise<unknown> } }>) => {
  const started = performance.now()
  const db = await open()
  await db.pglite.query(`insert into time_series_data (entity_id, time, value) values ('m', now(), 1)`)
  const ms = performance.now() - started
  await db.close()
  return ms
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

const templateStarted = performance.now()
await (await createTestDatabase()).close()
console.log(`first createTestDatabase() (builds the template): ${(performance.now() - templateStarted).toFixed(0)} ms`)
const fresh: number[] = []
const cloned: number[] = []
for (let i = 0; i < rounds; i++) {
  fresh.push(await time(() => createEmbeddedDatabase()))
  cloned.push(await time(() => createTestDatabase()))
}
const show = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`
console.log(`create + migrate (createEmbeddedDatabase): ${show(fresh)}`)
console.log(`clone of the template (createTestDatabase): ${show(cloned)}`)
console.log(`ratio: ${(median(fresh) / median(cloned)).toFixed(2)}x`)
