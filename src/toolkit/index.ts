/*
 * The migration toolkit for a project's own tables: declare hypertables and continuous
 * aggregates next to `pgTable`, generate their drizzle-kit migrations, check the database for
 * drift, and query any hypertable with TimescaleDB's functions as Drizzle expressions.
 */

export { checkDrift, type Drift, type DriftReport } from './check-drift.ts'
export {
  type AggregateView,
  type ContinuousAggregate,
  type ContinuousAggregateOptions,
  type ContinuousAggregateSpec,
  continuousAggregate,
  type RefreshPolicy,
} from './continuous-aggregate.ts'
export { isDeclaration } from './declaration-brand.ts'
export { type GenerateResult, generateMigration } from './generate-migration.ts'
export { type ColumnKey, type Hypertable, type HypertableOptions, type HypertableSpec, hypertable, type OrderKey } from './hypertable.ts'
export { loadDeclarations, readDrizzleConfig, type ToolkitPaths } from './load-declarations.ts'
export { type Candle, type Measure, type MeasureKind, measure } from './measures.ts'
export { readSnapshot, SNAPSHOT_FILE, writeCustomMigration } from './migration-folder.ts'
export { type MigrationPlan, type MigrationStep, planMigration } from './plan-migration.ts'
export { first, last } from './query/first-last.ts'
export { type GapfillOptions, interpolate, locf, timeBucketGapfill } from './query/gapfill.ts'
export { histogram } from './query/histogram.ts'
export { latestPerKey, MAX_LATEST_KEYS } from './query/latest-per-key.ts'
export { percentileCont, percentileDisc } from './query/percentile.ts'
export { type TimeBucketExpressionOptions, timeBucket } from './query/time-bucket.ts'
export { renderMigration, STATEMENT_BREAKPOINT } from './render-migration.ts'
export { EMPTY_STATE, stateOf, type TimescaleState } from './timescale-state.ts'
