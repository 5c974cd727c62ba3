import { collectStatus, statusProblems } from '../../status/index.ts'
import type { Command } from '../cli-context.ts'
import { formatStatus } from '../format-status.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { parseCommandArgs } from '../parse-command-args.ts'
import { ExitCode } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale status [--json] [--check]

Shows the TimescaleDB version and license, each hypertable (chunk interval, chunks, compressed
chunks, size, size of the compressed chunks before and after compression, ratio), each
continuous aggregate (watermark: the end of its materialized data, lag behind now, refresh
policy), and every background job (schedule, last run, last result, next start, and the error
of a failed run).

Options:
  --json            print the status as one JSON object (for scripts), with "problems"
  --check           exit 4 when a job's last run failed or a continuous aggregate's refresh
                    policy is not keeping up (rows in its window older than end_offset plus
                    three schedules are not materialized), for a CI job or a cron to alert on
  --data-dir <dir>  the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug           print the stack trace of a failure
`

const EMBEDDED_JOBS_NOTE = 'Jobs do not run on a schedule in the embedded database: run one with CALL run_job(<id>).'

/** `status`: hypertables, compression, continuous aggregate lag, jobs, license, version. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'hypertables, compression ratio, continuous aggregate lag, jobs, license, version',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs('status', argv, { json: { type: 'boolean' }, check: { type: 'boolean' } })
    const target = await openCliDatabase(args, context, 'status')
    try {
      const status = await collectStatus(target.db)
      const problems = statusProblems(status)
      if (args.values.json) {
        context.stdout.write(`${JSON.stringify({ database: target.where, kind: target.kind, ...status, problems }, null, 2)}\n`)
      } else {
        context.stdout.write(`${formatStatus(status, target.where)}\n`)
        if (target.kind === 'embedded' && status.jobs.length > 0) context.stdout.write(`\n${EMBEDDED_JOBS_NOTE}\n`)
        if (problems.length > 0) context.stdout.write(`\nProblems\n${problems.map((p) => `  ${p}`).join('\n')}\n`)
      }
      if (args.values.check && problems.length > 0) {
        context.stderr.write(`status --check: ${problems.length} problem${problems.length === 1 ? '' : 's'} (see above)\n`)
        return ExitCode.CHECK_FAILED
      }
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}
