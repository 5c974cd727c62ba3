import { sql } from 'drizzle-orm'
import { type AnyPgDatabase, queryRows } from '../internal/query-rows.ts'
import { finiteUtcText } from './finite-utc-text.ts'

/** A TimescaleDB background job with its last run and, when that failed, why. */
export interface CatalogJob {
  id: number
  /** `application_name`, e.g. `Compression Policy [1000]`. */
  name: string
  procSchema: string
  procName: string
  /** The hypertable or continuous aggregate it works on (`schema.name`), or `null`. */
  target: string | null
  /** The role the job runs as. */
  owner: string
  /**
   * Whether this session may read the job's errors: `job_errors` shows them only to members of
   * the job's owner and of the database's owner. Its `job_stats` (last run, result) are public.
   */
  errorsVisible: boolean
  schedule: string
  scheduled: boolean
  config: Record<string, unknown> | null
  lastRunStartedAt: string | null
  lastSuccessfulFinish: string | null
  /** `Success`, `Failed`, or `null` when it never ran. */
  lastRunStatus: string | null
  /** `Scheduled`, `Running`, `Paused`, or `null`. */
  jobStatus: string | null
  totalRuns: number
  totalFailures: number
  nextStart: string | null
  /**
   * The newest failure recorded for the job after its last success (`timescaledb_information.job_errors`),
   * or `null`: what a failing policy reports, e.g. `cannot drop portal "" while it is being set up`.
   */
  lastError: { at: string | null; sqlState: string | null; message: string } | null
}

/**
 * Reads every background job (TimescaleDB's own and the policies), its statistics
 * (`timescaledb_information.job_stats`) and its newest unresolved error (`job_errors`).
 *
 * @example
 * ```ts
 * const failing = (await readJobs(db)).filter((j) => j.lastRunStatus === 'Failed')
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/job_errors/
 */
export async function readJobs(db: AnyPgDatabase): Promise<CatalogJob[]> {
  const rows = await queryRows<{
    id: number
    name: string
    proc_schema: string
    proc_name: string
    target: string | null
    schedule: string
    scheduled: boolean
    owner: string
    errors_visible: boolean
    config: Record<string, unknown> | string | null
    last_start: string | null
    last_success: string | null
    last_status: string | null
    job_status: string | null
    runs: number | null
    failures: number | null
    next_start: string | null
    error_at: string | null
    error_code: string | null
    error_message: string | null
  }>(
    db,
    sql`select j.job_id::int as id, j.application_name as name, j.proc_schema, j.proc_name,
          case when j.hypertable_name is null then null else j.hypertable_schema || '.' || j.hypertable_name end as target,
          j.schedule_interval::text as schedule, j.scheduled, j.config, j.owner::text as owner,
          (pg_has_role(current_user, j.owner, 'MEMBER') or pg_has_role(current_user,
            (select datdba from pg_database where datname = current_database()), 'MEMBER')) as errors_visible,
          ${finiteUtcText(sql`s.last_run_started_at`)} as last_start,
          ${finiteUtcText(sql`s.last_successful_finish`)} as last_success,
          s.last_run_status as last_status, s.job_status,
          coalesce(s.total_runs, 0)::int as runs, coalesce(s.total_failures, 0)::int as failures,
          ${finiteUtcText(sql`coalesce(s.next_start, j.next_start)`)} as next_start,
          ${finiteUtcText(sql`e.start_time`)} as error_at, e.sqlerrcode as error_code, e.err_message as error_message
        from timescaledb_information.jobs j
        left join timescaledb_information.job_stats s on s.job_id = j.job_id
        left join lateral (select e.start_time, e.sqlerrcode, e.err_message from timescaledb_information.job_errors e
          where e.job_id = j.job_id and e.start_time >= coalesce(s.last_successful_finish, '-infinity'::timestamptz)
          order by e.start_time desc limit 1) e on true
        order by j.job_id`,
  )
  return rows.map((j) => ({
    id: Number(j.id),
    name: j.name,
    procSchema: j.proc_schema,
    procName: j.proc_name,
    target: j.target,
    owner: j.owner,
    errorsVisible: j.errors_visible,
    schedule: j.schedule,
    scheduled: j.scheduled,
    config: typeof j.config === 'string' ? (JSON.parse(j.config) as Record<string, unknown>) : j.config,
    lastRunStartedAt: j.last_start,
    lastSuccessfulFinish: j.last_success,
    lastRunStatus: j.last_status,
    jobStatus: j.job_status,
    totalRuns: Number(j.runs ?? 0),
    totalFailures: Number(j.failures ?? 0),
    nextStart: j.next_start,
    lastError: j.error_message === null ? null : { at: j.error_at, sqlState: j.error_code, message: j.error_message },
  }))
}
