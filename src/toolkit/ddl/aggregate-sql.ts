import { type SQL, sql } from 'drizzle-orm'
import type { ContinuousAggregateSpec, RefreshPolicy } from '../continuous-aggregate.ts'
import { qualifiedName, regclassText } from '../identifier.ts'
import { createMergeVarianceSql } from './merge-variance-sql.ts'
import { retentionPolicySql } from './retention-sql.ts'
import { byColumnstoreVersion, tslOnly } from './tsl-only.ts'

const what = (spec: ContinuousAggregateSpec) => `the continuous aggregate ${spec.schema}.${spec.name}`

/**
 * `CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous) ... WITH NO DATA` and its refresh
 * policy. `WITH NO DATA` because drizzle-kit runs a migration in one transaction and a refresh
 * cannot run inside one: the policy (or `CALL refresh_continuous_aggregate`) fills it.
 *
 * @see https://docs.timescale.com/api/latest/continuous-aggregates/create_materialized_view/
 */
export function createAggregateSql(spec: ContinuousAggregateSpec): SQL {
  // The names passed checkIdentifier; the definition is SQL text the declaration rendered.
  const view = sql.raw(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${regclassText(spec)}
    WITH (timescaledb.continuous, timescaledb.materialized_only = ${spec.materializedOnly ? 'true' : 'false'}) AS
    ${spec.definition}
    WITH NO DATA`)
  // The aggregate that merges variances, first, where a measure is one (its rollup and the routing of buckets use it).
  const merge = spec.measures.some((m) => m.kind === 'variance' || m.kind === 'stddev')
    ? sql`  EXECUTE $merge$
    ${createMergeVarianceSql(spec.schema)}
  $merge$;
`
    : sql``
  const columnstore = spec.compression
    ? sql`
${columnstoreSteps(spec, false)}`
    : sql``
  return tslOnly(
    what(spec),
    sql`${merge}  EXECUTE $view$
    ${view}
  $view$;${addPolicy(spec, spec.refresh)}${columnstore}`,
  )
}

/**
 * The aggregate's own columnstore: on with its policy (compress materialized chunks older than
 * `compression.after`; segmented by the group-by columns, ordered by bucket, TimescaleDB's
 * defaults for an aggregate), or its policy removed and the columnstore off (refused by
 * TimescaleDB while chunks are compressed). Idempotent.
 *
 * @see https://docs.timescale.com/api/latest/hypercore/add_columnstore_policy/
 */
export function aggregateColumnstoreSql(spec: ContinuousAggregateSpec): SQL {
  return tslOnly(`the columnstore of ${what(spec)}`, columnstoreSteps(spec, true))
}

/** The aggregate's own retention policy (drop buckets older than `retention`), replaced. Idempotent. */
export function aggregateRetentionSql(spec: ContinuousAggregateSpec, replace = true): SQL {
  return retentionPolicySql(spec, spec.retention ?? null, replace)
}

function columnstoreSteps(spec: ContinuousAggregateSpec, replace: boolean): SQL {
  const view = qualifiedName(spec)
  const name = regclassText(spec)
  const after = spec.compression?.after ?? null
  if (after === null) {
    return byColumnstoreVersion(
      sql`    CALL remove_columnstore_policy(${name}, if_exists => TRUE);
    ALTER MATERIALIZED VIEW ${view} SET (timescaledb.enable_columnstore = false);`,
      sql`    PERFORM remove_compression_policy(${name}, if_exists => TRUE);
    ALTER MATERIALIZED VIEW ${view} SET (timescaledb.compress = false);`,
    )
  }
  return byColumnstoreVersion(
    sql`    ALTER MATERIALIZED VIEW ${view} SET (timescaledb.enable_columnstore = true);${
      replace
        ? sql`
    CALL remove_columnstore_policy(${name}, if_exists => TRUE);`
        : sql``
    }
    CALL add_columnstore_policy(${name}, after => INTERVAL ${after}, if_not_exists => TRUE);`,
    sql`    ALTER MATERIALIZED VIEW ${view} SET (timescaledb.compress = true);${
      replace
        ? sql`
    PERFORM remove_compression_policy(${name}, if_exists => TRUE);`
        : sql``
    }
    PERFORM add_compression_policy(${name}, compress_after => INTERVAL ${after}, if_not_exists => TRUE);`,
  )
}

/** `DROP MATERIALIZED VIEW IF EXISTS`: its materialized rows go with it. */
export function dropAggregateSql(spec: ContinuousAggregateSpec): SQL {
  return sql`DROP MATERIALIZED VIEW IF EXISTS ${qualifiedName(spec)}`
}

/** Real-time on or off: `timescaledb.materialized_only`. */
export function materializedOnlySql(spec: ContinuousAggregateSpec): SQL {
  return tslOnly(
    what(spec),
    sql`  ALTER MATERIALIZED VIEW ${qualifiedName(spec)} SET (timescaledb.materialized_only = ${sql.raw(spec.materializedOnly ? 'true' : 'false')});`,
  )
}

/**
 * The refresh policy, replaced: removed, then added when set. Idempotent.
 *
 * @see https://docs.timescale.com/api/latest/continuous-aggregates/add_continuous_aggregate_policy/
 */
export function refreshPolicySql(spec: ContinuousAggregateSpec): SQL {
  return tslOnly(
    what(spec),
    sql`  PERFORM remove_continuous_aggregate_policy(${regclassText(spec)}, if_exists => TRUE);${addPolicy(spec, spec.refresh)}`,
  )
}

function addPolicy(spec: ContinuousAggregateSpec, refresh: RefreshPolicy | null): SQL {
  if (refresh === null) return sql``
  const start = refresh.startOffset === null ? sql.raw('NULL') : sql`INTERVAL ${refresh.startOffset}`
  return sql`
  PERFORM add_continuous_aggregate_policy(${regclassText(spec)},
    start_offset => ${start},
    end_offset => INTERVAL ${refresh.endOffset},
    schedule_interval => INTERVAL ${refresh.every},
    if_not_exists => TRUE);`
}
