#!/usr/bin/env bun
/*
 * Measures whether ARCHITECTURE.md's `(entity_id, time DESC)` index earns its keep next to the
 * primary key `(entity_id, time)`: the same upsert load into two identical hypertables, one with
 * the extra index, side by side in one run (alternating rounds), and the plans of the per-entity
 * "newest first" reads on the table without it.
 *
 *   DATABASE_URL=postgres://... bun scripts/measure-duplicate-index.ts [--rows 200000]
 */
import postgres from 'postgres'

const url = process.env.DATABASE_URL
if (!url) throw new Error('set DATABASE_URL to a TimescaleDB server (e.g. the output of scripts/native-db-start.sh)')
const rowsArg = process.argv.indexOf('--rows')
const totalRows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 200_000
const batch = 5_000
const rounds = 4
const sql = postgres(url, { max: 1, onnotice: () => {} })

const tables = { without_extra: false, with_extra: true } as const
for (const [name, extra] of Object.entries(tables)) {
  await sql.unsafe(`drop table if exists idx_probe_${name}`)
  await sql.unsafe(`create table idx_probe_${name} (time timestamptz not null, entity_id text not null,
    value float8 not null, value2 float8, value3 float8, value4 float8, metadata jsonb, primary key (entity_id, time))`)
  await sql.unsafe(`select create_hypertable('idx_probe_${name}', by_range('time', interval '1 day'), create_default_indexes => false)`)
  await sql.unsafe(`select add_dimension('idx_probe_${name}', by_hash('entity_id', 4))`)
  await sql.unsafe(`create index on idx_probe_${name} (time desc)`)
  await sql.unsafe(`create index on idx_probe_${name} (value, time desc)`)
  await sql.unsafe(`create index on idx_probe_${name} using gin (metadata)`)
  if (extra) await sql.unsafe(`create index on idx_probe_${name} (entity_id, time desc)`)
}

const start = Date.parse('2024-01-01T00:00:00Z')
function rowsOf(offset: number, count: number) {
  const cols: [string[], string[], number[], number[], string[]] = [[], [], [], [], []]
  for (let i = offset; i < offset + count; i++) {
    cols[0].push(new Date(start + Math.floor(i / 1000) * 10_000).toISOString())
    cols[1].push(`entity-${i % 1000}`)
    cols[2].push(Math.sin(i) * 100)
    cols[3].push(i % 7)
    cols[4].push(JSON.stringify({ site: `s${i % 10}` }))
  }
  return cols
}

const elapsed: Record<string, number> = { without_extra: 0, with_extra: 0 }
const perRound = totalRows / rounds
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(tables) : Object.keys(tables).reverse()
  for (const name of order) {
    const t0 = performance.now()
    for (let offset = round * perRound; offset < (round + 1) * perRound; offset += batch) {
      const [t, e, v, v2, m] = rowsOf(offset, batch)
      await sql.unsafe(
        `insert into idx_probe_${name} (time, entity_id, value, value2, metadata)
         select * from unnest($1::timestamptz[], $2::text[], $3::float8[], $4::float8[], $5::jsonb[])
         on conflict (entity_id, time) do update set value = excluded.value, value2 = excluded.value2, metadata = excluded.metadata`,
        [t, e, v, v2, m] as never,
      )
    }
    elapsed[name] = (elapsed[name] ?? 0) + performance.now() - t0
  }
}
const rate = (name: string) => totalRows / ((elapsed[name] ?? 1) / 1000)
console.log(`rows: ${totalRows}, batches of ${batch}, ${rounds} alternating rounds`)
console.log(`upsert rows/s without the extra index: ${rate('without_extra').toFixed(0)}`)
console.log(`upsert rows/s with the extra index:    ${rate('with_extra').toFixed(0)}`)
console.log(`ratio without/with: ${(rate('without_extra') / rate('with_extra')).toFixed(2)}x`)
const size = await sql.unsafe(`select pg_size_pretty(
  (select index_bytes from hypertable_detailed_size('idx_probe_with_extra')) -
  (select index_bytes from hypertable_detailed_size('idx_probe_without_extra'))) as extra_index_size`)
console.log(`index space taken by the extra index: ${size[0]?.extra_index_size}`)
await sql.unsafe('analyze idx_probe_without_extra')
for (const query of [
  `select * from idx_probe_without_extra where entity_id = 'entity-7' order by time desc limit 1`,
  `select * from idx_probe_without_extra where entity_id = 'entity-7' and time >= '2024-01-01' and time < '2024-01-02' order by time desc limit 100`,
]) {
  const plan = await sql.unsafe(`explain (costs off) ${query}`)
  console.log(`\n${query}\n${plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`)
}
for (const name of Object.keys(tables)) await sql.unsafe(`drop table idx_probe_${name}`)
await sql.end()
