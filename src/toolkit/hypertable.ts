import { getTableColumns, getTableName } from 'drizzle-orm'
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import { invalid } from '../validation/invalid.ts'
import { validateInterval } from '../validation/validate-interval.ts'
import { DECLARATION, type DeclarationBase } from './declaration-brand.ts'
import { checkIdentifier } from './identifier.ts'

/** A column key of a Drizzle table (the TypeScript name, `deviceId`). */
export type ColumnKey<T extends PgTable> = Extract<keyof T['_']['columns'], string>

/** A column key, optionally with its direction: `'time'`, `'time DESC'`. */
export type OrderKey<T extends PgTable> = ColumnKey<T> | `${ColumnKey<T>} ${'ASC' | 'DESC'}`

/** What `hypertable()` takes: the TimescaleDB side of a `pgTable`. */
export interface HypertableOptions<T extends PgTable, K extends ColumnKey<T> = ColumnKey<T>> {
  /** The time column (a `timestamp`, `timestamptz` or `date` column); rows are chunked by it. */
  time: K
  /** The time range of one chunk: `'1 day'`. Default: TimescaleDB's 7 days. */
  chunkInterval?: string
  /**
   * More dimensions: hash partitions of a column (`{ column, partitions }`), or ranges of a
   * column (`{ column, interval }`: an interval such as `'1 day'` for a timestamp column, a
   * positive integer for an integer one).
   */
  dimensions?: ({ column: ColumnKey<T>; partitions: number } | { column: ColumnKey<T>; interval: string | number })[]
  /**
   * Let TimescaleDB create its own indexes on the time column (and each dimension with time).
   * Default `true`, as TimescaleDB does; `false` when the indexes are declared in the table.
   */
  createDefaultIndexes?: boolean
  /**
   * The columnstore (compression): rows of older chunks are stored by column, segmented by
   * `segmentBy` and ordered by `orderBy` (default: the time column, newest first), converted by a
   * policy once a chunk is older than `after`. Needs the Timescale license.
   */
  compression?: { segmentBy?: ColumnKey<T>[]; orderBy?: OrderKey<T>[]; after?: string }
  /** Drop chunks older than this (`'1 year'`): a retention policy. Needs the Timescale license. */
  retention?: string
}

/** A dimension besides time: hash partitions, or a range (an interval text, or an integer for an integer column). */
export type DimensionSpec = { column: string; partitions: number } | { column: string; interval: string | number }

/** The database facts of a hypertable declaration: names as in SQL, intervals in canonical text. */
export interface HypertableSpec {
  schema: string
  name: string
  time: string
  chunkInterval: string
  dimensions: DimensionSpec[]
  createDefaultIndexes: boolean
  compression: { segmentBy: string[]; orderBy: string[]; after: string | null } | null
  retention: string | null
}

/** A hypertable declared next to its `pgTable`; export it from the schema module for `generate`. */
export interface Hypertable<T extends PgTable = PgTable, K extends ColumnKey<T> = ColumnKey<T>> extends DeclarationBase {
  readonly [DECLARATION]: 'hypertable'
  readonly table: T
  /** The time column's key. */
  readonly timeKey: K
  /** The time column. */
  readonly timeColumn: PgColumn
  readonly spec: HypertableSpec
}

const TIME_TYPES = /^(timestamp|date)/
const INTEGER_TYPES = /^(smallint|integer|bigint|serial|bigserial|smallserial)/

/**
 * Declares that a Drizzle table is a TimescaleDB hypertable, with its chunking, columnstore and
 * retention. Column names are the table's keys, checked by the compiler; the rest is checked
 * here (a `ValidationError` naming the option). `drizzle-timescale generate` writes the migration.
 *
 * @throws {ValidationError} an unknown column, a time column that is not a timestamp, a bad
 *   interval, or a primary key / unique constraint without the time column (TimescaleDB needs it
 *   in every unique index).
 * @example
 * ```ts
 * export const readings = pgTable('device_readings', {
 *   deviceId: text('device_id').notNull(),
 *   time: timestamp('time', { withTimezone: true }).notNull(),
 *   temperature: doublePrecision('temperature'),
 * })
 * export const readingsHypertable = hypertable(readings, {
 *   time: 'time',
 *   chunkInterval: '1 day',
 *   compression: { segmentBy: ['deviceId'], after: '7 days' },
 *   retention: '1 year',
 * })
 * ```
 * @see https://docs.timescale.com/api/latest/hypertable/create_hypertable/
 */
export function hypertable<T extends PgTable, const K extends ColumnKey<T>>(table: T, options: HypertableOptions<T, K>): Hypertable<T, K> {
  const config = getTableConfig(table)
  const name = checkIdentifier(getTableName(table), 'table')
  const schema = checkIdentifier(config.schema ?? 'public', 'schema')
  const columns = getTableColumns(table) as Record<string, PgColumn>
  const column = (key: unknown, field: string): PgColumn => {
    const found = typeof key === 'string' ? columns[key] : undefined
    if (!found) throw invalid(field, `must be a column key of ${name} (${Object.keys(columns).join(', ')})`)
    return found
  }
  const time = column(options.time, 'time')
  if (!TIME_TYPES.test(time.getSQLType())) {
    throw invalid('time', `must be a timestamp, timestamptz or date column (${time.name} is ${time.getSQLType()})`)
  }
  const dimensions = (options.dimensions ?? []).map((d, i): DimensionSpec => {
    const field = `dimensions[${i}]`
    const dimension = column(d.column, `${field}.column`)
    if ('partitions' in d) {
      if (!Number.isInteger(d.partitions) || d.partitions < 1 || d.partitions > 32_767) {
        throw invalid(`${field}.partitions`, 'must be an integer from 1 to 32767')
      }
      return { column: dimension.name, partitions: d.partitions }
    }
    const type = dimension.getSQLType()
    if (TIME_TYPES.test(type)) return { column: dimension.name, interval: fixedInterval(d.interval, `${field}.interval`) }
    if (!INTEGER_TYPES.test(type))
      throw invalid(`${field}.column`, `must be a timestamp, date or integer column for a range dimension (${dimension.name} is ${type})`)
    if (typeof d.interval !== 'number' || !Number.isSafeInteger(d.interval) || d.interval < 1) {
      throw invalid(`${field}.interval`, `must be a positive integer for the integer column ${dimension.name}`)
    }
    return { column: dimension.name, interval: d.interval }
  })
  checkUniqueKeys(config, [time.name, ...dimensions.map((d) => d.column)], name)
  const compression = options.compression
  const spec: HypertableSpec = {
    schema,
    name,
    time: time.name,
    chunkInterval: fixedInterval(options.chunkInterval ?? '7 days', 'chunkInterval'),
    dimensions,
    createDefaultIndexes: options.createDefaultIndexes ?? true,
    compression: compression
      ? {
          segmentBy: (compression.segmentBy ?? []).map((k, i) => column(k, `compression.segmentBy[${i}]`).name),
          orderBy: (compression.orderBy ?? [`${options.time} DESC` as OrderKey<T>]).map((k, i) => {
            const [key, direction = 'ASC'] = String(k).split(' ')
            return `${column(key, `compression.orderBy[${i}]`).name} ${direction}`
          }),
          after: compression.after === undefined ? null : validateInterval(compression.after, 'compression.after').text,
        }
      : null,
    retention: options.retention === undefined ? null : validateInterval(options.retention, 'retention').text,
  }
  return { [DECLARATION]: 'hypertable', key: `${schema}.${name}`, table, timeKey: options.time, timeColumn: time, spec }
}

/**
 * A chunk interval: days and smaller units only. TimescaleDB stores it in microseconds and counts a
 * month as 30 days, so `'1 year'` would silently become 360-day chunks.
 */
function fixedInterval(input: unknown, field: string): string {
  const interval = validateInterval(input, field)
  if (interval.months > 0) {
    throw invalid(
      field,
      `must be in days or smaller units: TimescaleDB counts a month as 30 days ('${interval.text}' would be ${interval.months * 30 + interval.days} days); write e.g. '365 days'`,
    )
  }
  return interval.text
}

function checkUniqueKeys(config: ReturnType<typeof getTableConfig>, required: string[], table: string): void {
  const keys: { what: string; columns: string[] }[] = [
    ...config.primaryKeys.map((pk) => ({ what: 'primary key', columns: pk.columns.map((c) => c.name) })),
    ...config.uniqueConstraints.map((u) => ({ what: `unique constraint ${u.name ?? ''}`.trim(), columns: u.columns.map((c) => c.name) })),
    ...config.columns.filter((c) => c.primary).map((c) => ({ what: 'primary key', columns: [c.name] })),
    ...config.columns.filter((c) => c.isUnique).map((c) => ({ what: `unique column ${c.name}`, columns: [c.name] })),
  ]
  for (const key of keys) {
    const missing = required.filter((c) => !key.columns.includes(c))
    if (missing.length > 0) {
      throw invalid(
        'table',
        `has a ${key.what} (${key.columns.join(', ')}) without ${missing.join(', ')}: TimescaleDB needs the time and partitioning columns in every unique key of ${table}`,
      )
    }
  }
}
