import type { TimescaleClient } from '../../src/client/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import type { StoredRecord, TimeBucketResult } from '../../src/types.ts'
import type { Check, Comparison, Database } from '../results.ts'
import type { HandWritten, Row } from './hand-written.ts'
import { entityIds, QUERY_END, type QueryDataShape, queryStart, SAMPLE_ENTITY } from './load-query-data.ts'
import { runQueryPair } from './run-query-pair.ts'

/** Ours (the client) against the design's hand-written queries, on one loaded database. */
export async function querySuite(
  database: Database,
  client: TimescaleClient<AnyPgDatabase>,
  handWritten: HandWritten,
  shape: QueryDataShape,
  repeats: number,
  routedNote: string,
): Promise<Comparison[]> {
  const ids = entityIds(shape.entities)
  const from = queryStart(shape)
  const range = { from, to: QUERY_END }
  const fromDate = new Date(from)
  const toDate = new Date(QUERY_END)
  const days = `${shape.days} days`
  const base = { database, baseline: { name: 'hand-written', label: handWritten.label } }
  const out: Comparison[] = []

  out.push(
    await runQueryPair<StoredRecord[], Row[]>(
      {
        ...base,
        id: `queries.${database}.latest`,
        title: `getLatestValues for ${ids.length.toLocaleString('en-US')} entities vs the design's DISTINCT ON`,
        params: { entities: ids.length, rows: shape.rows },
        ours: { label: 'getLatestValues (LATERAL per entity)', run: () => client.getLatestValues(ids) },
        baseline: { ...base.baseline, run: () => handWritten.latest(ids) },
        same: (a, b) => sameRows('entity_id, value', a.map(key), b.map(key)),
      },
      repeats,
    ),
  )

  for (const entityId of [SAMPLE_ENTITY, null]) {
    const limit = entityId === null ? 10_000 : 1000
    const who = entityId === null ? 'every entity' : `one entity (${entityId})`
    out.push(
      await runQueryPair<TimeBucketResult[], Row[]>(
        {
          ...base,
          id: `queries.${database}.buckets-${entityId === null ? 'all' : 'one'}`,
          title: `getTimeBuckets hourly over ${days}, ${who}, vs raw time_bucket`,
          params: { interval: '1 hour', days: shape.days, limit, rows: shape.rows },
          ours: {
            label: `getTimeBuckets(${entityId === null ? 'null' : "'id'"}, '1 hour', ...)`,
            run: () => client.getTimeBuckets(entityId, '1 hour', range, { limit }),
          },
          baseline: { ...base.baseline, run: () => handWritten.buckets(entityId, '1 hour', fromDate, toDate, limit) },
          same: (a, b) => sameBuckets(a, b),
          note: routedNote,
        },
        repeats,
      ),
    )
  }

  out.push(
    await runQueryPair<StoredRecord[], Row[]>(
      {
        ...base,
        id: `queries.${database}.records`,
        title: `getRecords (1,000 rows, newest first) vs the same query hand-written`,
        params: { limit: 1000, entity: SAMPLE_ENTITY },
        ours: { label: 'getRecords', run: () => client.getRecords(SAMPLE_ENTITY, { ...range, limit: 1000 }) },
        baseline: { ...base.baseline, run: () => handWritten.records(SAMPLE_ENTITY, fromDate, toDate, 1000) },
        same: (a, b) => sameRows('entity_id, value, value2, value3, metadata, time (ms)', a.map(recordKey), b.map(recordKey)),
      },
      repeats,
    ),
  )
  return out
}

const key = (r: Row | StoredRecord) => `${r.entity_id}|${Number(r.value)}`
const ms = (t: unknown) => Math.floor(t instanceof Date ? t.getTime() : Date.parse(`${String(t).slice(0, 23)}Z`))
const recordKey = (r: Row | StoredRecord) =>
  [r.entity_id, Number(r.value), r.value2 ?? null, r.value3 ?? null, JSON.stringify(r.metadata ?? null), ms(r.time)].join('|')

function sameRows(what: string, a: string[], b: string[]): Check {
  const ok = a.length === b.length && JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())
  return { name: `same answer (${what})`, ok, detail: `${a.length} rows vs ${b.length}` }
}

function sameBuckets(a: TimeBucketResult[], b: Row[]): Check {
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y))
  let mismatches = a.length === b.length ? 0 : Math.abs(a.length - b.length)
  a.forEach((got, i) => {
    const want = b[i]
    if (
      !want ||
      ms(got.bucket) !== ms(want.bucket) ||
      got.entity_id !== want.entity_id ||
      got.count !== Number(want.count) ||
      !close(Number(got.value), Number(want.value))
    )
      mismatches++
  })
  return {
    name: 'same buckets (bucket, entity_id, count, value within 1e-9)',
    ok: mismatches === 0,
    detail: `${a.length} buckets vs ${b.length}, ${mismatches} differ`,
  }
}
