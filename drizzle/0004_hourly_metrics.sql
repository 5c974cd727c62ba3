-- drizzle-timescale: the hourly_metrics continuous aggregate, created WITH NO DATA (migrations run
-- in one transaction, and a refresh cannot), real-time (rows newer than the last refresh are
-- aggregated from time_series_data at query time), refreshed every hour for the window from
-- 1 day ago to 1 hour ago. A refresh window must span at least two buckets, so the design's
-- 1 hour / 1 minute offsets are rejected by TimescaleDB. Needs the Timescale license (TSL).
-- https://docs.timescale.com/api/latest/continuous-aggregates/create_materialized_view/
-- https://docs.timescale.com/api/latest/continuous-aggregates/add_continuous_aggregate_policy/
DO $$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the hourly_metrics continuous aggregate and its refresh policy', coalesce(current_setting('timescaledb.license', true), 'unknown');
    RETURN;
  END IF;
  EXECUTE $view$
    CREATE MATERIALIZED VIEW IF NOT EXISTS hourly_metrics
    WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
    SELECT
      time_bucket(INTERVAL '1 hour', time) AS hour,
      entity_id,
      avg(value) AS avg_value,
      max(value) AS max_value,
      min(value) AS min_value,
      count(*) AS data_points
    FROM time_series_data
    GROUP BY hour, entity_id
    WITH NO DATA
  $view$;
  PERFORM add_continuous_aggregate_policy('hourly_metrics',
    start_offset => INTERVAL '1 day',
    end_offset => INTERVAL '1 hour',
    schedule_interval => INTERVAL '1 hour',
    if_not_exists => TRUE);
END
$$;
