import { configurePolicies, type PolicyOptions, readPolicies } from '../../policies/index.ts'
import type { Command } from '../cli-context.ts'
import { formatPolicies } from '../format-policies.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale policies [--retention <interval>|none] [--compress-after <interval>|none]
                                  [--refresh-start <interval>|none] [--refresh-end <interval>]
                                  [--refresh-every <interval>] [--no-refresh]

Shows the package's TimescaleDB policies in this database, or changes them: how old a chunk of
time_series_data gets before the scheduler drops it (retention) and compresses it, and which window
of hourly_metrics it refreshes how often. An option left out keeps its policy; "none" removes it.
Running the same command again changes nothing. The migrations' defaults: retention 1 year (rows
older than that are DELETED at the next run), compression after 7 days, refresh from 1 day to 1 hour
ago every hour. Needs the Timescale license (on the Apache edition there are no policies).

  drizzle-timescale policies --retention '3 years' --compress-after '30 days'
  drizzle-timescale policies --retention none          # keep everything

Intervals: '<n> <unit>' pairs such as '2 years', '30 days', '1 hour 30 minutes'.

Options:
  --retention <i>       drop chunks older than <i>; none: never drop
  --compress-after <i>  compress chunks older than <i>; none: no compression policy
  --refresh-start <i>   refresh hourly_metrics from <i> ago (none: from the oldest data)
  --refresh-end <i>     ... to <i> ago (default 1 hour)
  --refresh-every <i>   ... every <i> (default 1 hour)
  --no-refresh          remove the refresh policy
  --data-dir <dir>      the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug               print the stack trace of a failure
`

/** `policies`: the package's retention, compression and refresh policies, shown or set. */
export const policiesCommand: Command = {
  name: 'policies',
  summary: 'show or set retention, compression age and the aggregate refresh window (idempotent)',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('policies', argv, {
      retention: { type: 'string' },
      'compress-after': { type: 'string' },
      'refresh-start': { type: 'string' },
      'refresh-end': { type: 'string' },
      'refresh-every': { type: 'string' },
      'no-refresh': { type: 'boolean' },
    })
    const orNull = (value: string | undefined) => (value === undefined ? undefined : value.trim().toLowerCase() === 'none' ? null : value)
    const options: PolicyOptions = {}
    const retention = orNull(stringOption(args, 'retention'))
    const compressAfter = orNull(stringOption(args, 'compress-after'))
    if (retention !== undefined) options.retention = retention
    if (compressAfter !== undefined) options.compressAfter = compressAfter
    const start = stringOption(args, 'refresh-start')
    const end = stringOption(args, 'refresh-end')
    const every = stringOption(args, 'refresh-every')
    if (args.values['no-refresh']) options.refresh = null
    else if (start !== undefined || end !== undefined || every !== undefined) {
      options.refresh = {
        ...(start === undefined ? {} : { startOffset: orNull(start) ?? null }),
        ...(end === undefined ? {} : { endOffset: end }),
        ...(every === undefined ? {} : { scheduleInterval: every }),
      }
    }
    const target = await openCliDatabase(args, context, 'policies')
    try {
      if (Object.keys(options).length === 0) {
        context.stdout.write(`Policies in the ${target.where}\n${formatPolicies(await readPolicies(target.db)).join('\n')}\n`)
        return ExitCode.OK
      }
      const { changed, policies } = await configurePolicies(target.db, options)
      const what = changed.length === 0 ? 'already as asked, nothing changed' : `changed: ${changed.join(', ')}`
      context.stdout.write(`Policies in the ${target.where} (${what})\n${formatPolicies(policies).join('\n')}\n`)
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}
