import { readContinuousAggregates } from '../../catalog/read-continuous-aggregates.ts'
import { type RefreshOptions, refreshContinuousAggregate } from '../../operations/index.ts'
import { licenseOf } from '../../repository/require-timescale-license.ts'
import type { Command } from '../cli-context.ts'
import { formatDuration, formatTable, formatTime } from '../format-table.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { operationUsage } from '../operation-usage.ts'
import { integerOption, parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale refresh [--json]
       drizzle-timescale refresh <aggregate> [--from <time>] [--to <time>] [--atomic | --buckets-per-batch <n>
                                 [--max-batches <n>] [--newest-first]] [--force] [--json]

Without an aggregate: every continuous aggregate with its watermark (the end of its materialized
data), its lag behind now and its refresh policy. With one ('hourly_metrics', 'metrics.hourly'):
refresh it over [--from, --to) (open ends: from the oldest data, to the newest), e.g. after a
backfill below its refresh policy's window, and print its new watermark.

TimescaleDB 2.28+ refreshes in batches of buckets, each committed on its own; --atomic asks for one
pass committed at once (what older versions always do). A refresh that meets a concurrent one of an
overlapping window (the scheduler's policy) is retried with backoff. Needs the Timescale license.

  drizzle-timescale refresh
  drizzle-timescale refresh hourly_metrics --from 2025-01-01T00:00:00Z --to 2025-02-01T00:00:00Z --atomic

Options:
  --from <time>            start of the window, an instant with an offset
  --to <time>              end of the window (exclusive)
  --atomic                 one pass, committed at once
  --buckets-per-batch <n>  buckets per batch (2.28+)
  --max-batches <n>        stop after n batches (2.28+)
  --newest-first           newest batches first (2.28+)
  --force                  re-materialize even where nothing changed
  --json                   print the aggregates, or the refresh's result, as JSON
  --data-dir <dir>         the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug                  print the stack trace of a failure
`

/** `refresh`: continuous aggregates' watermarks, or a refresh of one over a window. */
export const refreshCommand: Command = {
  name: 'refresh',
  summary: 'continuous aggregates with watermark and lag; refresh one over a window',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs(
      'refresh',
      argv,
      {
        from: { type: 'string' },
        to: { type: 'string' },
        atomic: { type: 'boolean' },
        'buckets-per-batch': { type: 'string' },
        'max-batches': { type: 'string' },
        'newest-first': { type: 'boolean' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      1,
    )
    const [aggregate] = args.positionals
    const options: RefreshOptions = {}
    const from = stringOption(args, 'from')
    const to = stringOption(args, 'to')
    if (from !== undefined) options.from = from
    if (to !== undefined) options.to = to
    if (args.values.atomic) options.atomic = true
    if (args.values['newest-first']) options.newestFirst = true
    if (args.values.force) options.force = true
    if (stringOption(args, 'buckets-per-batch') !== undefined)
      options.bucketsPerBatch = integerOption(args, 'buckets-per-batch', 0, 0, 2 ** 31 - 1)
    if (stringOption(args, 'max-batches') !== undefined)
      options.maxBatchesPerExecution = integerOption(args, 'max-batches', 0, 0, 2 ** 31 - 1)
    const target = await openCliDatabase(args, context, 'refresh')
    try {
      if (aggregate === undefined) {
        const aggregates = (await licenseOf(target.db)) === 'timescale' ? await readContinuousAggregates(target.db) : []
        if (args.values.json) context.stdout.write(`${JSON.stringify({ aggregates }, null, 2)}\n`)
        else context.stdout.write(`${formatAggregates(aggregates, target.where)}\n`)
        return ExitCode.OK
      }
      const result = await operationUsage('refresh', () => refreshContinuousAggregate(target.db, aggregate, options))
      if (args.values.json) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      else {
        const retried = result.attempts > 1 ? ` (after ${result.attempts - 1} concurrent refresh${result.attempts > 2 ? 'es' : ''})` : ''
        context.stdout.write(
          `${result.aggregate} refreshed in ${(result.durationMs / 1000).toFixed(1)} s${retried}; watermark ${formatTime(result.watermark)}\n`,
        )
      }
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

function formatAggregates(aggregates: Awaited<ReturnType<typeof readContinuousAggregates>>, where: string): string {
  if (aggregates.length === 0) return `Continuous aggregates in the ${where}: none`
  return `Continuous aggregates in the ${where}\n${formatTable(
    [{ header: 'aggregate' }, { header: 'of' }, { header: 'watermark' }, { header: 'lag', align: 'right' }, { header: 'refresh policy' }],
    aggregates.map((a) => [
      `${a.schema}.${a.name}`,
      `${a.hypertableSchema}.${a.hypertable}`,
      formatTime(a.watermark),
      formatDuration(a.lagSeconds),
      a.refreshPolicy
        ? `job ${a.refreshPolicy.jobId}: every ${a.refreshPolicy.scheduleInterval}, from ${a.refreshPolicy.startOffset ?? 'the oldest data'} to ${a.refreshPolicy.endOffset} ago`
        : 'none',
    ]),
    '  ',
  )}`
}
