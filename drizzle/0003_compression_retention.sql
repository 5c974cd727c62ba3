-- drizzle-timescale: compression (segment by entity_id, newest first inside a segment) with a
-- 7-day policy, and a 1-year retention policy. Both need the Timescale license (TSL): on the
-- Apache edition they are skipped with a NOTICE (drop old chunks with drop_chunks() yourself).
-- https://docs.timescale.com/api/latest/compression/alter_table_compression/
-- https://docs.timescale.com/api/latest/compression/add_compression_policy/
-- https://docs.timescale.com/api/latest/data-retention/add_retention_policy/
DO $$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping compression, its 7-day policy and the 1-year retention policy', coalesce(current_setting('timescaledb.license', true), 'unknown');
    RETURN;
  END IF;
  ALTER TABLE time_series_data SET (
    timescaledb.compress,
    timescaledb.compress_segmentby = 'entity_id',
    timescaledb.compress_orderby = 'time DESC'
  );
  PERFORM add_compression_policy('time_series_data', INTERVAL '7 days', if_not_exists => TRUE);
  PERFORM add_retention_policy('time_series_data', INTERVAL '1 year', if_not_exists => TRUE);
END
$$;
