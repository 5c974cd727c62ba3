import { sql } from 'drizzle-orm'
import { readContinuousAggregates } from '../catalog/read-continuous-aggregates.ts'
import { readHypertables } from '../catalog/read-hypertables.ts'
import { readJobs } from '../catalog/read-jobs.ts'
import { readServerInfo } from '../catalog/read-server-info.ts'
import type { AnyPgDatabase } from '../internal/any-pg-database.ts'
import { textArrayLiteral } from '../internal/pg-array-literal.ts'
import { queryRows } from '../internal/query-rows.ts'
import type { TimescaleState } from './timescale-state.ts'

/** One difference between the declarations and the database. */
export interface Drift {
  /** `schema.name` of the hypertable or aggregate. */
  object: string
  /** What differs: `chunk interval`, `retention`, `definition`, ... */
  what: string
  declared: string
  actual: string
}

/** What `checkDrift` found. */
export interface DriftReport {
  drift: Drift[]
  /** What this server cannot have and was therefore not compared (the Apache edition: columnstore, policies, aggregates). */
  notChecked: string[]
}

const none = 'none'
const list = (values: readonly string[]) => values.join(', ') || none

/**
 * Compares the declarations with the live database: each hypertable's dimensions and chunk
 * interval, its columnstore settings, its columnstore and retention policies; each aggregate's
 * existence, definition (both deparsed by PostgreSQL, so formatting does not count), real-time
 * setting and refresh policy. Intervals are compared by PostgreSQL (`'24 hours'` equals `'1 day'`).
 * Read-only: the definitions are deparsed in a transaction that is rolled back.
 *
 * @example
 * ```ts
 * const { drift } = await checkDrift(db, await loadDeclarations(['./src/schema.ts']))
 * for (const d of drift) console.log(`${d.object}: ${d.what} is ${d.actual}, declared ${d.declared}`)
 * ```
 */
export async function checkDrift(db: AnyPgDatabase, state: TimescaleState): Promise<DriftReport> {
  const drift: Drift[] = []
  const notChecked: string[] = []
  const server = await readServerInfo(db)
  const licensed = server.license === 'timescale'
  const [hypertables, jobs, aggregates] = await Promise.all([
    readHypertables(db),
    readJobs(db),
    licensed ? readContinuousAggregates(db) : Promise.resolve([]),
  ])
  const intervals: { object: string; what: string; declared: string | null; actual: string | null }[] = []
  const differ = (object: string, what: string, declared: string, actual: string) => {
    if (declared !== actual) drift.push({ object, what, declared, actual })
  }
  const jobOf = (proc: string, target: string) => jobs.find((j) => j.procName === proc && j.target === target)
  const configText = (value: unknown) => (value === null || value === undefined ? null : String(value))

  for (const [key, spec] of Object.entries(state.hypertables)) {
    const live = hypertables.find((h) => `${h.schema}.${h.name}` === key)
    if (!live) {
      drift.push({ object: key, what: 'hypertable', declared: `a hypertable on ${spec.time}`, actual: 'not a hypertable' })
      continue
    }
    // The first dimension is time; ranges on other columns are dimensions of kind time too.
    const [time, ...others] = live.dimensions
    differ(key, 'time column', spec.time, time?.kind === 'time' ? time.column : none)
    intervals.push({ object: key, what: 'chunk interval', declared: spec.chunkInterval, actual: time?.chunkInterval ?? null })
    const hash = (ds: readonly { column: string; partitions: number | null }[]) => ds.map((d) => `${d.column} × ${d.partitions}`)
    const declaredHash = spec.dimensions.flatMap((d) => ('partitions' in d ? [d] : []))
    differ(key, 'hash dimensions', list(hash(declaredHash)), list(hash(others.filter((d) => d.kind === 'hash'))))
    const declaredRanges = spec.dimensions.flatMap((d) => ('interval' in d ? [d] : []))
    const liveRanges = others.filter((d) => d.kind === 'time')
    differ(key, 'range dimensions', list(declaredRanges.map((d) => d.column)), list(liveRanges.map((d) => d.column)))
    for (const d of declaredRanges) {
      const l = liveRanges.find((r) => r.column === d.column)
      if (!l) continue
      if (typeof d.interval === 'number')
        differ(key, `range interval of ${d.column}`, String(d.interval), String(l.integerInterval ?? none))
      else intervals.push({ object: key, what: `range interval of ${d.column}`, declared: d.interval, actual: l.chunkInterval })
    }
    if (!licensed) {
      if (spec.compression || spec.retention) notChecked.push(`${key}: columnstore and retention (the Apache edition has neither)`)
      continue
    }
    differ(key, 'columnstore', spec.compression ? 'on' : 'off', live.compression.enabled ? 'on' : 'off')
    if (spec.compression && live.compression.enabled) {
      differ(key, 'segment by', list(spec.compression.segmentBy), list(live.compression.segmentBy))
      differ(key, 'order by', list(spec.compression.orderBy), list(live.compression.orderBy))
    }
    const columnstore = jobOf('policy_compression', key)
    intervals.push({
      object: key,
      what: 'columnstore after',
      declared: spec.compression?.after ?? null,
      actual: configText(columnstore?.config?.compress_after),
    })
    const retention = jobOf('policy_retention', key)
    intervals.push({ object: key, what: 'retention', declared: spec.retention, actual: configText(retention?.config?.drop_after) })
  }

  const definitions: { key: string; definition: string }[] = []
  for (const [key, spec] of Object.entries(state.aggregates)) {
    if (!licensed) {
      notChecked.push(`${key}: continuous aggregates need the Timescale license`)
      continue
    }
    const live = aggregates.find((a) => `${a.schema}.${a.name}` === key)
    if (!live) {
      drift.push({ object: key, what: 'continuous aggregate', declared: `buckets of ${spec.bucket} on ${spec.source}`, actual: 'missing' })
      continue
    }
    definitions.push({ key, definition: spec.definition })
    differ(key, 'real-time', spec.materializedOnly ? 'off' : 'on', live.materializedOnly ? 'off' : 'on')
    const policy = live.refreshPolicy
    differ(key, 'refresh policy', spec.refresh ? 'on' : 'off', policy ? 'on' : 'off')
    if (spec.refresh && policy) {
      intervals.push({ object: key, what: 'refresh start offset', declared: spec.refresh.startOffset, actual: policy.startOffset })
      intervals.push({ object: key, what: 'refresh end offset', declared: spec.refresh.endOffset, actual: policy.endOffset })
      intervals.push({ object: key, what: 'refresh schedule', declared: spec.refresh.every, actual: policy.scheduleInterval })
    }
    // Its own columnstore and retention; their jobs name the aggregate (TimescaleDB 2.20+, where aggregates are read).
    differ(key, 'columnstore', spec.compression ? 'on' : 'off', live.compressionEnabled ? 'on' : 'off')
    const columnstore = jobOf('policy_compression', key)
    intervals.push({
      object: key,
      what: 'columnstore after',
      declared: spec.compression?.after ?? null,
      actual: configText(columnstore?.config?.compress_after),
    })
    const retention = jobOf('policy_retention', key)
    intervals.push({ object: key, what: 'retention', declared: spec.retention ?? null, actual: configText(retention?.config?.drop_after) })
  }

  if (intervals.length > 0) {
    const same = await queryRows<{ same: boolean }>(
      db,
      sql`select a.d is not distinct from a.l as same
          from unnest(${textArrayLiteral(intervals.map((i) => i.declared))}::text::interval[],
                      ${textArrayLiteral(intervals.map((i) => i.actual))}::text::interval[]) with ordinality as a(d, l, n)
          order by a.n`,
    )
    intervals.forEach((i, n) => {
      if (!same[n]?.same) drift.push({ object: i.object, what: i.what, declared: i.declared ?? none, actual: i.actual ?? none })
    })
  }
  for (const d of await compareDefinitions(db, definitions)) drift.push(d)
  return { drift, notChecked }
}

class Rollback extends Error {}

/** Each declared definition deparsed by PostgreSQL (as a temporary view, rolled back) against the aggregate's. */
async function compareDefinitions(db: AnyPgDatabase, definitions: { key: string; definition: string }[]): Promise<Drift[]> {
  if (definitions.length === 0) return []
  const found: Drift[] = []
  try {
    await db.transaction(async (tx) => {
      for (const [i, { key, definition }] of definitions.entries()) {
        const [schema, name] = key.split('.') as [string, string]
        const probe = `dts_definition_${i}`
        await tx.execute(sql`create temporary view ${sql.identifier(probe)} as ${sql.raw(definition)}`)
        const [row] = await queryRows<{ declared: string; actual: string | null }>(
          tx,
          sql`select pg_get_viewdef(format('pg_temp.%I', ${probe}::text)::regclass) as declared,
                (select view_definition from timescaledb_information.continuous_aggregates
                  where view_schema = ${schema} and view_name = ${name}) as actual`,
        )
        const norm = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim()
        if (norm(row?.declared) !== norm(row?.actual)) {
          found.push({ object: key, what: 'definition', declared: norm(row?.declared), actual: norm(row?.actual) })
        }
      }
      throw new Rollback()
    })
  } catch (error) {
    if (!(error instanceof Rollback)) throw error
  }
  return found
}
