import { hasUnmaterializedRows, readContinuousAggregates, readHypertables, readJobs, readServerInfo } from '../catalog/index.ts'
import type { AnyPgDatabase } from '../internal/query-rows.ts'
import { AGGREGATE, type Policies, policiesOf } from '../policies/read-policies.ts'
import type { TimescaleStatus } from './timescale-status.ts'

/**
 * Reads what `drizzle-timescale status` shows: versions and license, each hypertable with its
 * chunks, chunk interval, size and compression ratio, each continuous aggregate's watermark, lag
 * and refresh policy, and every background job with its last run and, when that failed, the
 * error TimescaleDB recorded. Read-only; works on the Apache edition (no compression figures, no
 * continuous aggregates) and on a database without TimescaleDB. {@link statusProblems} says what
 * of it needs attention.
 *
 * @example
 * ```ts
 * const status = await collectStatus(db)
 * for (const h of status.hypertables) console.log(h.name, h.chunks, h.compression.ratio)
 * ```
 * @see https://docs.timescale.com/api/latest/informational-views/
 */
export async function collectStatus(db: AnyPgDatabase): Promise<TimescaleStatus> {
  const server = await readServerInfo(db)
  const base = {
    postgresVersion: server.postgresVersion,
    timescaledbVersion: server.timescaledbVersion,
    license: server.license,
    collectedAt: server.now,
    user: server.user,
  }
  if (!server.timescaledbVersion) return { ...base, hypertables: [], continuousAggregates: [], jobs: [], policies: NO_POLICIES, notes: [] }
  const hypertables = await readHypertables(db)
  const aggregates = await readContinuousAggregates(db)
  const jobs = await readJobs(db)
  const limits = aggregates.map((a) => lagLimit(a.refreshPolicy))
  const behind: (boolean | null)[] = []
  for (const [i, a] of aggregates.entries()) {
    const limit = limits[i] ?? null
    behind.push(limit === null || !a.readable ? null : await hasUnmaterializedRows(db, a, limit))
  }
  return {
    ...base,
    hypertables: hypertables.map((h) => {
      const time = h.dimensions.find((d) => d.kind === 'time')
      const hash = h.dimensions.find((d) => d.kind === 'hash')
      const { beforeBytes, afterBytes } = h.compression
      return {
        schema: h.schema,
        name: h.name,
        chunkInterval: time?.chunkInterval ?? null,
        hashPartitions: hash?.partitions ?? null,
        chunks: h.chunks,
        compressedChunks: h.compressedChunks,
        totalBytes: h.totalBytes,
        compression: {
          enabled: h.compression.enabled,
          beforeBytes,
          afterBytes,
          ratio: beforeBytes !== null && afterBytes ? Math.round((beforeBytes / afterBytes) * 100) / 100 : null,
        },
      }
    }),
    continuousAggregates: aggregates.map((a, i) => ({
      schema: a.schema,
      name: a.name,
      hypertable: a.hypertable,
      materializedOnly: a.materializedOnly,
      readable: a.readable,
      watermark: a.watermark,
      lagSeconds: a.lagSeconds,
      refreshPolicy: a.refreshPolicy && {
        jobId: a.refreshPolicy.jobId,
        startOffset: a.refreshPolicy.startOffset,
        endOffset: a.refreshPolicy.endOffset,
        scheduleInterval: a.refreshPolicy.scheduleInterval,
      },
      lagLimitSeconds: limits[i] ?? null,
      behind: behind[i] ?? null,
    })),
    jobs: jobs.map(({ procSchema, procName, ...job }) => ({ ...job, procedure: `${procSchema}.${procName}` })),
    policies: policiesOf(jobs, aggregates.find((a) => a.name === AGGREGATE)?.refreshPolicy?.jobId ?? null),
    notes: [...aggregates.filter((a) => !a.readable).map((a) => unreadableNote(server.user, a)), ...visibilityNotes(server.user, jobs)],
  }
}

/*
 * A refresh materializes the rows up to about now() - end_offset, and the next comes
 * schedule_interval later: while the policy works, no row older than end_offset + schedule_interval
 * (plus a bucket's rounding) waits unmaterialized. Three schedules leave room for a slow refresh.
 */
function lagLimit(policy: { endOffsetSeconds: number | null; scheduleSeconds: number } | null): number | null {
  if (!policy || policy.endOffsetSeconds === null) return null
  return policy.endOffsetSeconds + 3 * policy.scheduleSeconds
}

function unreadableNote(user: string, a: { schema: string; name: string; hypertableSchema: string; hypertable: string }): string {
  return `Connected as ${user}, without SELECT on ${a.schema}.${a.name} and ${a.hypertableSchema}.${a.hypertable}: the aggregate's watermark, lag and whether it is behind are not shown (drizzle-timescale grants prints what an application role needs).`
}

/** What this session cannot see, said instead of shown as nothing. */
const NO_POLICIES: Policies = { retention: null, compression: null, refresh: null }

function visibilityNotes(user: string, jobs: readonly { id: number; owner: string; errorsVisible: boolean }[]): string[] {
  const hidden = jobs.filter((j) => j.id >= 1000 && !j.errorsVisible)
  if (hidden.length === 0) return []
  const owners = [...new Set(hidden.map((j) => j.owner))].join(', ')
  return [
    `Connected as ${user}, which owns neither the database nor ${hidden.length === jobs.filter((j) => j.id >= 1000).length ? 'any of the jobs' : 'some of the jobs'}: a failed job's error (timescaledb_information.job_errors) is shown only to the job's owner (${owners}) and the database's owner; results and failure counts (job_stats) are shown, and --check sees failed runs.`,
  ]
}
