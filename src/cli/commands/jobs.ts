import { setJobsScheduled } from '../../jobs/set-jobs-scheduled.ts'
import { alterJob, type CatalogJob, type JobChanges, listJobs, runJob } from '../../operations/index.ts'
import type { Command } from '../cli-context.ts'
import { formatJobs, type PrintedJob } from '../format-jobs.ts'
import { openCliDatabase } from '../open-cli-database.ts'
import { operationUsage } from '../operation-usage.ts'
import { parseCommandArgs, stringOption } from '../parse-command-args.ts'
import { ExitCode, UsageError } from '../usage-error.ts'

const HELP = `Usage: drizzle-timescale jobs [list] [--table <name>] [--json]
       drizzle-timescale jobs run <id> [--json]
       drizzle-timescale jobs pause|resume <id>|all [--json]
       drizzle-timescale jobs schedule <id> [--every <interval>] [--next-start <time>] [--json]

The background jobs of the database: TimescaleDB's own, the policies (compression, retention,
aggregate refresh) of the package's table and of yours, and your own add_job jobs, with what each
works on, its schedule, last run and result, next start and the error of a failed run.

  list      the jobs; with --table, those of one hypertable or continuous aggregate
  run       run the job now, in this session, and wait for it (its schedule is unchanged);
            a failing job's error is printed and the exit code is 1
  pause     stop scheduling it ('all': every job with id >= 1000, as setJobsScheduled does)
  resume    schedule it again
  schedule  change how often it runs (--every) and when it runs next (--next-start)

  drizzle-timescale jobs --table readings
  drizzle-timescale jobs run 1003
  drizzle-timescale jobs pause all                   # during a migration
  drizzle-timescale jobs schedule 1003 --every '30 minutes'

The embedded database has no scheduler: there a job runs only with 'jobs run'. The Apache edition
has no policies.

Options:
  --table <name>       list the jobs of this hypertable or aggregate ('readings', 'metrics.readings')
  --every <interval>   schedule: the new schedule interval ('1 hour')
  --next-start <time>  schedule: the next start, an instant with an offset (2025-01-01T00:00:00Z)
  --json               print the jobs (or the job changed or run) as JSON
  --data-dir <dir>     the embedded database (default ./.tsdb), when DATABASE_URL is not set
  --debug              print the stack trace of a failure
`

const ACTIONS = ['list', 'run', 'pause', 'resume', 'schedule'] as const

/** `jobs`: list, run, pause, resume or reschedule background jobs. */
export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list background jobs and their errors; run one now, pause, resume, reschedule',
  help: HELP,
  async run(argv, context) {
    const args = parseCommandArgs(
      'jobs',
      argv,
      { table: { type: 'string' }, every: { type: 'string' }, 'next-start': { type: 'string' }, json: { type: 'boolean' } },
      2,
    )
    const [first = 'list', second] = args.positionals
    if (!(ACTIONS as readonly string[]).includes(first))
      throw new UsageError(`jobs: unknown action '${first}' (actions: ${ACTIONS.join(', ')})`)
    const action = first as (typeof ACTIONS)[number]
    if (action === 'list' && second !== undefined) throw new UsageError(`jobs: unexpected argument '${second}'`)
    const all = second === 'all' && (action === 'pause' || action === 'resume')
    const id = action === 'list' || all ? undefined : jobId(second, action)
    const table = stringOption(args, 'table')
    const changes: JobChanges = {}
    const every = stringOption(args, 'every')
    const nextStart = stringOption(args, 'next-start')
    if (action === 'schedule') {
      if (every === undefined && nextStart === undefined) throw new UsageError('jobs schedule: give --every or --next-start')
      if (every !== undefined) changes.scheduleInterval = every
      if (nextStart !== undefined) changes.nextStart = nextStart
    } else if (every !== undefined || nextStart !== undefined)
      throw new UsageError('jobs: --every and --next-start belong to jobs schedule')
    if (table !== undefined && action !== 'list') throw new UsageError('jobs: --table belongs to jobs list')
    const json = Boolean(args.values.json)
    const target = await openCliDatabase(args, context, 'jobs')
    const print = (jobs: readonly CatalogJob[], title: string) => {
      if (json) context.stdout.write(`${JSON.stringify({ jobs }, null, 2)}\n`)
      else context.stdout.write(`${[title, ...formatJobs(jobs.map(printed))].join('\n')}\n`)
    }
    try {
      if (action === 'list') {
        const jobs = await operationUsage('jobs', () => listJobs(target.db, table === undefined ? {} : { target: table }))
        print(jobs, `Jobs in the ${target.where}${table === undefined ? '' : ` on ${table}`}`)
        if (!json && target.kind === 'embedded' && jobs.length > 0)
          context.stdout.write('\nThe embedded database runs no job on its own: jobs run <id>.\n')
        return ExitCode.OK
      }
      if (all) {
        const changed = await setJobsScheduled(target.db, action === 'resume')
        const jobs = (await listJobs(target.db)).filter((j) => changed.includes(j.id))
        print(jobs, `${action === 'pause' ? 'Paused' : 'Resumed'} ${changed.length} job${changed.length === 1 ? '' : 's'}`)
        return ExitCode.OK
      }
      const jobIdValue = id as number
      if (action === 'run') {
        const { job, durationMs } = await operationUsage('jobs', () => runJob(target.db, jobIdValue))
        if (json) context.stdout.write(`${JSON.stringify({ job, durationMs }, null, 2)}\n`)
        else context.stdout.write(`job ${job.id} (${job.name}) ran in ${(durationMs / 1000).toFixed(1)} s\n`)
        return ExitCode.OK
      }
      const change = action === 'schedule' ? changes : { scheduled: action === 'resume' }
      const job = await operationUsage('jobs', () => alterJob(target.db, jobIdValue, change))
      print([job], `Job ${job.id} ${action === 'schedule' ? 'rescheduled' : action === 'pause' ? 'paused' : 'resumed'}`)
      return ExitCode.OK
    } finally {
      await target.close()
    }
  },
}

function jobId(text: string | undefined, action: string): number {
  if (text === undefined) throw new UsageError(`jobs ${action}: name the job's id (jobs list shows them)`)
  if (!/^\d+$/.test(text)) throw new UsageError(`jobs ${action}: the job id must be a number, not '${text}'`)
  return Number(text)
}

function printed({ procSchema, procName, ...job }: CatalogJob): PrintedJob {
  return { ...job, procedure: `${procSchema}.${procName}` }
}
