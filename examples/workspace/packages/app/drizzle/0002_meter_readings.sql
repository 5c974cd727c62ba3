-- drizzle-timescale generate: TimescaleDB objects of ./src/schema.ts. Parts that need the Timescale license
-- are skipped with a NOTICE on the Apache edition. Review, then run drizzle-kit migrate.
-- public.meter_readings becomes a hypertable: chunks of 7 days on time
SELECT create_hypertable('"public"."meter_readings"', by_range('time', INTERVAL '7 days'), create_default_indexes => TRUE, if_not_exists => TRUE, migrate_data => TRUE);
--> statement-breakpoint
-- public.meter_readings: columnstore segmented by meter_id, ordered by time DESC
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the columnstore (compression) of public.meter_readings', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  IF (SELECT string_to_array(split_part(extversion, '-', 1), '.')::int[] >= ARRAY[2, 18]
      FROM pg_extension WHERE extname = 'timescaledb') THEN
    ALTER TABLE "public"."meter_readings" SET (timescaledb.enable_columnstore = true, timescaledb.segmentby = '"meter_id"', timescaledb.orderby = '"time" DESC');
  ELSE
    ALTER TABLE "public"."meter_readings" SET (timescaledb.compress, timescaledb.compress_segmentby = '"meter_id"', timescaledb.compress_orderby = '"time" DESC');
  END IF;
END
$dts$;
--> statement-breakpoint
-- public.meter_readings: chunks older than 30 days go to the columnstore
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the columnstore policy of public.meter_readings', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  IF (SELECT string_to_array(split_part(extversion, '-', 1), '.')::int[] >= ARRAY[2, 18]
      FROM pg_extension WHERE extname = 'timescaledb') THEN

    CALL add_columnstore_policy('"public"."meter_readings"', after => INTERVAL '30 days', if_not_exists => TRUE);
  ELSE

    PERFORM add_compression_policy('"public"."meter_readings"', compress_after => INTERVAL '30 days', if_not_exists => TRUE);
  END IF;
END
$dts$;
--> statement-breakpoint
-- public.meter_readings: chunks older than 1 year are dropped
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the retention policy of public.meter_readings', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  PERFORM add_retention_policy('"public"."meter_readings"', drop_after => INTERVAL '1 year', if_not_exists => TRUE);
END
$dts$;
--> statement-breakpoint
-- public.meter_readings_hourly: a continuous aggregate of public.meter_readings in buckets of 1 hour, refreshed every 1 hour from 1 day to 1 hour ago
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the continuous aggregate public.meter_readings_hourly', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  EXECUTE $view$
    CREATE MATERIALIZED VIEW IF NOT EXISTS "public"."meter_readings_hourly"
    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    SELECT time_bucket(INTERVAL '1 hour', "meter_readings"."time") AS "bucket", "meter_readings"."meter_id", sum("meter_readings"."kwh") AS "total_kwh", count(*) AS "readings", max("meter_readings"."kwh") AS "peak_kwh" FROM "meter_readings" GROUP BY 1, 2
    WITH NO DATA
  $view$;
  PERFORM add_continuous_aggregate_policy('"public"."meter_readings_hourly"',
    start_offset => INTERVAL '1 day',
    end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '1 hour',
    if_not_exists => TRUE);
END
$dts$;
--> statement-breakpoint
-- public.meter_readings_daily: a continuous aggregate of public.meter_readings_hourly in buckets of 1 day, refreshed every 1 day from 7 days to 1 day ago
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the continuous aggregate public.meter_readings_daily', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  EXECUTE $view$
    CREATE MATERIALIZED VIEW IF NOT EXISTS "public"."meter_readings_daily"
    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    SELECT time_bucket(INTERVAL '1 day', "bucket") AS "bucket", "meter_id", sum("total_kwh") AS "total_kwh", sum("total_kwh") / nullif(sum("readings"), 0) AS "avg_kwh", max("peak_kwh") AS "peak_kwh", sum("readings")::bigint AS "readings" FROM "public"."meter_readings_hourly" GROUP BY 1, 2
    WITH NO DATA
  $view$;
  PERFORM add_continuous_aggregate_policy('"public"."meter_readings_daily"',
    start_offset => INTERVAL '7 days',
    end_offset => INTERVAL '1 day',
    schedule_interval => INTERVAL '1 day',
    if_not_exists => TRUE);
END
$dts$;
