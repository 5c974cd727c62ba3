import type { SQL } from 'drizzle-orm'
import { invalid } from '../validation/invalid.ts'
import type { ContinuousAggregateSpec } from './continuous-aggregate.ts'
import {
  aggregateColumnstoreSql,
  aggregateRetentionSql,
  createAggregateSql,
  dropAggregateSql,
  materializedOnlySql,
  refreshPolicySql,
} from './ddl/aggregate-sql.ts'
import { columnstorePolicySql, disableColumnstoreSql, enableColumnstoreSql } from './ddl/columnstore-sql.ts'
import {
  addDimensionSql,
  createHypertableSql,
  setChunkIntervalSql,
  setDimensionIntervalSql,
  setPartitionsSql,
} from './ddl/hypertable-sql.ts'
import { retentionPolicySql } from './ddl/retention-sql.ts'
import type { DimensionSpec, HypertableSpec } from './hypertable.ts'
import type { TimescaleState } from './timescale-state.ts'

/** One statement of a migration, with the line that says what it does. */
export interface MigrationStep {
  comment: string
  statement: SQL
}

/** What a migration from one state to the next does, and what a reviewer must know about it. */
export interface MigrationPlan {
  steps: MigrationStep[]
  /** Consequences to read before migrating (rows rebuilt, declarations removed). */
  warnings: string[]
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The statements that take a database from `previous` to `next`: only what changed. A new
 * hypertable is created with its dimensions, columnstore and policies; a changed chunk interval
 * is `set_chunk_time_interval`; a changed policy is removed and added; a changed aggregate is
 * dropped and created again `WITH NO DATA` with every aggregate built on it (a warning says
 * its rows are rebuilt by the refresh).
 *
 * @throws {ValidationError} a change TimescaleDB cannot make in place: another time column, a
 *   removed dimension.
 * @example
 * ```ts
 * const plan = planMigration(EMPTY_STATE, stateOf(Object.values(schema)))
 * console.log(renderMigration(plan))
 * ```
 */
export function planMigration(previous: TimescaleState, next: TimescaleState): MigrationPlan {
  const steps: MigrationStep[] = []
  const warnings: string[] = []
  const step = (comment: string, statement: SQL) => steps.push({ comment, statement })

  // Aggregates to drop first (the coarser ones before what they read): removed, redefined, or built on one of those.
  const before = Object.values(previous.aggregates)
  const rebuilt = new Set<string>()
  for (const a of before) {
    const now = next.aggregates[`${a.schema}.${a.name}`]
    if (!now || now.definition !== a.definition || rebuilt.has(a.source)) rebuilt.add(`${a.schema}.${a.name}`)
  }
  for (const a of [...before].reverse()) {
    const key = `${a.schema}.${a.name}`
    if (!rebuilt.has(key)) continue
    const now = next.aggregates[key]
    step(now ? `${key} changed: dropped here, created again below` : `${key} is no longer declared: dropped`, dropAggregateSql(a))
    if (now) {
      warnings.push(
        `${key} is dropped and created again WITH NO DATA: its rows are rebuilt from ${now.source} by the refresh policy ` +
          `(or CALL refresh_continuous_aggregate('${key}', NULL, NULL) after migrating); buckets whose rows the retention policy already dropped are not rebuilt`,
      )
    } else warnings.push(`${key} is dropped with its materialized rows`)
  }

  for (const [key, spec] of Object.entries(next.hypertables)) {
    const old = previous.hypertables[key]
    if (old) hypertableChanges(key, old, spec, step)
    else {
      const [create, ...dimensions] = createHypertableSql(spec)
      step(`${key} becomes a hypertable: chunks of ${spec.chunkInterval} on ${spec.time}`, create as SQL)
      for (const [i, d] of spec.dimensions.entries()) step(`${key}: ${dimensionLine(d)}`, dimensions[i] as SQL)
      if (spec.compression) compressionSteps(key, spec, step)
      if (spec.retention) step(`${key}: chunks older than ${spec.retention} are dropped`, retentionPolicySql(spec, spec.retention, false))
    }
  }
  for (const key of Object.keys(previous.hypertables)) {
    if (!next.hypertables[key]) {
      warnings.push(`${key} is no longer declared: it stays a hypertable with its policies (a table is dropped by drizzle-kit)`)
    }
  }

  for (const [key, spec] of Object.entries(next.aggregates)) {
    const old = previous.aggregates[key]
    if (!old || rebuilt.has(key)) {
      step(
        `${key}: a continuous aggregate of ${spec.source} in buckets of ${spec.bucket}${refreshLine(spec)}${spec.compression ? `; ${columnstoreLine(spec)}` : ''}`,
        createAggregateSql(spec),
      )
      if (spec.retention) step(`${key}: buckets older than ${spec.retention} are dropped`, aggregateRetentionSql(spec, false))
      continue
    }
    if (old.materializedOnly !== spec.materializedOnly) {
      step(`${key}: ${spec.materializedOnly ? 'materialized rows only' : 'real-time'}`, materializedOnlySql(spec))
    }
    if (!same(old.refresh, spec.refresh)) step(`${key}: refresh policy${refreshLine(spec) || ' removed'}`, refreshPolicySql(spec))
    if (!same(old.compression ?? null, spec.compression ?? null)) {
      step(`${key}: ${columnstoreLine(spec) || 'columnstore off and its policy removed'}`, aggregateColumnstoreSql(spec))
    }
    if ((old.retention ?? null) !== (spec.retention ?? null)) {
      step(
        `${key}: ${spec.retention ? `buckets older than ${spec.retention} are dropped` : 'retention policy removed'}`,
        aggregateRetentionSql(spec),
      )
    }
  }
  return { steps, warnings }
}

function hypertableChanges(key: string, old: HypertableSpec, spec: HypertableSpec, step: (c: string, s: SQL) => void): void {
  if (old.time !== spec.time) throw invalid('time', `of ${key} cannot change from ${old.time} to ${spec.time}: create a new table`)
  if (old.chunkInterval !== spec.chunkInterval) {
    step(`${key}: new chunks span ${spec.chunkInterval} (existing chunks keep ${old.chunkInterval})`, setChunkIntervalSql(spec))
  }
  for (const d of old.dimensions) {
    const now = spec.dimensions.find((n) => n.column === d.column)
    if (!now) throw invalid('dimensions', `of ${key}: the dimension on ${d.column} cannot be removed from a hypertable`)
    if ('partitions' in d !== 'partitions' in now) {
      throw invalid('dimensions', `of ${key}: the dimension on ${d.column} cannot change between hash and range`)
    }
  }
  for (const d of spec.dimensions) {
    const was = old.dimensions.find((o) => o.column === d.column)
    if (!was) step(`${key}: ${dimensionLine(d)} (TimescaleDB refuses a new dimension while the table has rows)`, addDimensionSql(spec, d))
    else if ('partitions' in d && 'partitions' in was && was.partitions !== d.partitions) {
      step(`${key}: ${dimensionLine(d)} for new chunks`, setPartitionsSql(spec, d))
    } else if ('interval' in d && 'interval' in was && was.interval !== d.interval) {
      step(`${key}: ${dimensionLine(d)} for new chunks`, setDimensionIntervalSql(spec, d))
    }
  }
  if (!old.compression && spec.compression) compressionSteps(key, spec, step)
  else if (old.compression && !spec.compression) step(`${key}: columnstore off and its policy removed`, disableColumnstoreSql(spec))
  else if (old.compression && spec.compression) {
    if (!same(old.compression.segmentBy, spec.compression.segmentBy) || !same(old.compression.orderBy, spec.compression.orderBy)) {
      step(`${key}: columnstore ${settingsLine(spec)}`, enableColumnstoreSql(spec, spec.compression))
    }
    if (old.compression.after !== spec.compression.after) {
      step(`${key}: ${afterLine(spec.compression.after)}`, columnstorePolicySql(spec, spec.compression.after))
    }
  }
  if (old.retention !== spec.retention) {
    step(
      `${key}: ${spec.retention ? `chunks older than ${spec.retention} are dropped` : 'retention policy removed'}`,
      retentionPolicySql(spec, spec.retention),
    )
  }
}

function compressionSteps(key: string, spec: HypertableSpec, step: (c: string, s: SQL) => void): void {
  const compression = spec.compression as NonNullable<HypertableSpec['compression']>
  step(`${key}: columnstore ${settingsLine(spec)}`, enableColumnstoreSql(spec, compression))
  if (compression.after) step(`${key}: ${afterLine(compression.after)}`, columnstorePolicySql(spec, compression.after, false))
}

const dimensionLine = (d: DimensionSpec) =>
  'partitions' in d ? `${d.partitions} hash partitions on ${d.column}` : `ranges of ${d.interval} on ${d.column}`
const settingsLine = (spec: HypertableSpec) =>
  `segmented by ${spec.compression?.segmentBy.join(', ') || 'nothing'}, ordered by ${spec.compression?.orderBy.join(', ')}`
const afterLine = (after: string | null) => (after ? `chunks older than ${after} go to the columnstore` : 'columnstore policy removed')
const columnstoreLine = (spec: ContinuousAggregateSpec) =>
  spec.compression ? `its chunks older than ${spec.compression.after} go to the columnstore` : ''
const refreshLine = (spec: ContinuousAggregateSpec) =>
  spec.refresh
    ? `, refreshed every ${spec.refresh.every} from ${spec.refresh.startOffset ?? 'the oldest data'} to ${spec.refresh.endOffset} ago`
    : ''
