import type { PgColumn } from 'drizzle-orm/pg-core'
import { ValidationError } from '../../errors.ts'
import { canonicalTimeFromText } from '../../internal/iso-time.ts'
import { getTimeBuckets } from '../../repository/index.ts'
import { columnByName } from '../../repository/table-shape.ts'
import { measure } from '../../toolkit/measures.ts'
import { validateEntityId, validateInterval } from '../../validation/index.ts'
import { AGGREGATE_FUNCTIONS, MAX_LIMIT, type TimeBucketResult, VALUE_COLUMNS } from '../../vocabulary/read-options.ts'
import type { Command } from '../cli-context.ts'
import { declaredTable } from '../declared-table.ts'
import { formatTable, formatTime } from '../format-table.ts'
import { fieldValue } from '../import/table-rows.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { choiceOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { formatCount } from '../progress-reporter.ts'
import { sparkline } from '../sparkline.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale query <entity_id> [--interval '1 hour'] [--from <time>] [--to <time>]
                               [--function avg] [--column value] [--time-zone <zone>] [--json]
       drizzle-timescale query --table <name> --column <column> [--where <column>=<value>,...]
                               [--function avg] [--interval ...] [--from ...] [--to ...] [--json]

Aggregates one entity's records in time buckets (TimescaleDB time_bucket) over [from, to) and
prints them as a table and a sparkline, oldest first.

With --table, the buckets of a hypertable declared with hypertable() in the schema of
drizzle.config.ts (or --config, --schema): --column is one of its columns, --where selects rows
by equal column values, and the buckets are read from a continuous aggregate declared on it
where that gives the same numbers (as timescale(db, declaration).buckets does).

Options:
  --interval <i>      bucket width (default '1 hour'; e.g. '15 minutes', '1 day')
  --from <time>       start, ISO 8601 with a zone, e.g. 2024-01-15T00:00:00Z (default: --to minus 24 hours)
  --to <time>         end, exclusive (default: now)
  --function <f>      ${AGGREGATE_FUNCTIONS.join(', ')} (default avg)
  --column <c>        ${VALUE_COLUMNS.join(', ')} (default value)
  --time-zone <zone>  IANA zone of the bucket boundaries, e.g. Europe/Berlin (default UTC)
  --table <name>      a declared hypertable (its SQL name, or schema.name)
  --where <pairs>     with --table: column=value, comma-separated (symbol=AAPL)
  --config <file>     with --table: the drizzle-kit config whose schema declares it
  --schema <file>     with --table: the schema module (instead of the config's)
  --json              print the buckets as JSON
  --data-dir <dir>    the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug             print the stack trace of a failure
`

/** `query`: time buckets of one entity as a table and a sparkline. */
export const queryCommand: Command = {
  name: 'query',
  summary: 'time buckets of one entity as a table and a sparkline',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs(
      'query',
      argv,
      {
        interval: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        function: { type: 'string' },
        column: { type: 'string' },
        'time-zone': { type: 'string' },
        json: { type: 'boolean' },
        table: { type: 'string' },
        where: { type: 'string' },
        config: { type: 'string' },
        schema: { type: 'string' },
      },
      1,
    )
    const tableName = stringOption(args, 'table')
    if (tableName !== undefined) return queryTable(tableName, args, context)
    const entityId = args.positionals[0]
    if (entityId === undefined) throw new UsageError('query: which entity? (drizzle-timescale query <entity_id>; see --help)')
    asUsage(() => validateEntityId(entityId, '<entity_id>'))
    const fn = choiceOption(args, 'function', AGGREGATE_FUNCTIONS, 'avg')
    const column = choiceOption(args, 'column', VALUE_COLUMNS, 'value')
    const { interval, timeZone, from, to } = bucketWindow(args)

    const target = await openCliDatabase(args, context, 'query')
    try {
      const buckets = await getTimeBuckets(
        target.db,
        entityId,
        interval,
        { from, to },
        {
          aggregateFunction: fn,
          aggregateColumn: column,
          order: 'asc',
          limit: MAX_LIMIT,
          ...(timeZone === undefined ? {} : { timeZone }),
        },
      )
      if (args.values.json) {
        const result = { entity_id: entityId, interval, function: fn, column, from, to, buckets }
        context.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
        return ExitCode.OK
      }
      const what = `${fn}(${column})`
      if (buckets.length === 0) {
        context.stdout.write(`${entityId}: no records from ${from} to ${to} in the ${target.where}\n`)
        return ExitCode.OK
      }
      context.stdout.write(`${formatBuckets(entityId, what, interval, from, to, buckets)}\n`)
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

/** `query --table`: the buckets of a declared hypertable, through the engine's `buckets` (routed to its declared aggregates). */
async function queryTable(name: string, args: Parameters<typeof stringOption>[0], context: Parameters<Command['run']>[1]): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('query: --table takes no <entity_id>; select rows with --where <column>=<value>')
  const table = await declaredTable('query', name, stringOption(args, 'config'), stringOption(args, 'schema'))
  const column = columnByName(table.shape, stringOption(args, 'column') ?? '')
  if (!column) {
    throw new UsageError(`query: --column must be a column of ${table.shape.name} (${table.shape.columns.map((c) => c.key).join(', ')})`)
  }
  const fn = choiceOption(args, 'function', ['avg', 'min', 'max', 'sum', 'count', 'first', 'last'] as const, 'avg')
  const where: Record<string, unknown> = {}
  for (const pair of (stringOption(args, 'where') ?? '').split(',').filter((p) => p.trim() !== '')) {
    const at = pair.indexOf('=')
    if (at < 1) throw new UsageError(`query: --where '${pair}' is not <column>=<value>`)
    const key = pair.slice(0, at).trim()
    const found = columnByName(table.shape, key)
    if (!found) throw new UsageError(`query: --where: '${key}' is not a column of ${table.shape.name}`)
    const value = fieldValue(found, pair.slice(at + 1))
    if (typeof value === 'object' && value !== null && 'error' in value) throw new UsageError(`query: --where: ${String(value.error)}`)
    where[found.key] = value
  }
  const { interval, timeZone, from, to } = bucketWindow(args)
  const target = await openCliDatabase(args, context, 'query')
  try {
    const handle = target.client.hypertable(table.declaration, { aggregates: table.aggregates })
    const columnObject = (table.declaration.table as unknown as Record<string, PgColumn>)[column.key] as PgColumn
    const value = fn === 'count' ? measure.count(columnObject) : measure[fn](columnObject)
    const rows = await asUsage(() =>
      handle.buckets({
        width: interval,
        from,
        to,
        where: where as never,
        measures: { value, count: measure.count() },
        order: 'asc',
        limit: MAX_LIMIT,
        ...(timeZone === undefined ? {} : { timeZone }),
      }),
    )
    const label = `${table.shape.name}${
      Object.keys(where).length > 0
        ? ` (${Object.entries(where)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')})`
        : ''
    }`
    const buckets = rows.map((r) => {
      const bucket = r.bucket as unknown
      return {
        bucket: bucket instanceof Date ? bucket.toISOString() : String(bucket),
        entity_id: label,
        value: r.value === null ? null : Number(r.value),
        count: Number(r.count),
      }
    })
    if (args.values.json) {
      context.stdout.write(
        `${JSON.stringify({ table: table.shape.name, where, interval, function: fn, column: column.key, from, to, buckets }, null, 2)}\n`,
      )
      return ExitCode.OK
    }
    if (buckets.length === 0) {
      context.stdout.write(`${label}: no rows from ${from} to ${to} in the ${target.where}\n`)
      return ExitCode.OK
    }
    context.stdout.write(`${formatBuckets(label, `${fn}(${column.key})`, interval, from, to, buckets)}\n`)
    return ExitCode.OK
  } finally {
    await target.close()
  }
}

/** The table and the sparkline of `query`. */
export function formatBuckets(
  entityId: string,
  what: string,
  interval: string,
  from: string,
  to: string,
  buckets: readonly TimeBucketResult[],
  width = 72,
): string {
  const values = buckets.map((b) => b.value)
  const present = values.filter((v): v is number => v !== null)
  const rows = buckets.reduce((n, b) => n + b.count, 0)
  const lines = [
    `${entityId}: ${what} per ${interval}, ${formatTime(from)} to ${formatTime(to)}: ` +
      `${buckets.length} buckets, ${formatCount(rows)} records`,
    '',
    formatTable(
      [{ header: 'bucket' }, { header: what, align: 'right' }, { header: 'records', align: 'right' }],
      buckets.map((b) => [formatTime(b.bucket), b.value === null ? '-' : formatNumber(b.value), formatCount(b.count)]),
    ),
    '',
    sparkline(values, width),
  ]
  if (present.length > 0) {
    const span = `${formatTime(buckets[0]?.bucket ?? null)} to ${formatTime(buckets.at(-1)?.bucket ?? null)}`
    lines.push(`min ${formatNumber(Math.min(...present))}  max ${formatNumber(Math.max(...present))}  (${span})`)
  }
  return lines.join('\n')
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v)
  const abs = Math.abs(v)
  return v.toFixed(abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 4)
}

/** `--interval`, `--time-zone`, `--from` and `--to` (default: the 24 hours before now), checked. */
function bucketWindow(args: Parameters<typeof stringOption>[0]): {
  interval: string
  timeZone: string | undefined
  from: string
  to: string
} {
  const interval = asUsage(() => validateInterval(stringOption(args, 'interval', '1 hour'), '--interval')).text
  const timeZone = stringOption(args, 'time-zone')
  const to = timeOption(stringOption(args, 'to'), '--to') ?? new Date().toISOString()
  const from = timeOption(stringOption(args, 'from'), '--from') ?? new Date(Date.parse(to) - 86_400_000).toISOString()
  if (Date.parse(from) > Date.parse(to)) throw new UsageError(`query: --from ${from} is after --to ${to}`)
  return { interval, timeZone, from, to }
}

function timeOption(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined
  const canonical = canonicalTimeFromText(text)
  if (!canonical.ok) throw new UsageError(`query: ${flag} ${text} ${canonical.reason}`)
  return canonical.text
}

function asUsage<T>(check: () => T): T {
  const rethrow = (error: unknown): never => {
    if (error instanceof ValidationError) throw new UsageError(`query: ${error.message}`)
    throw error
  }
  try {
    const result = check()
    return (result instanceof Promise ? result.catch(rethrow) : result) as T
  } catch (error) {
    return rethrow(error)
  }
}
