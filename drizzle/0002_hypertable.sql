-- drizzle-timescale: time_series_data becomes a hypertable with 1-day chunks, hash-partitioned on
-- entity_id in 4 partitions. TimescaleDB's default indexes are off: the indexes are declared in the
-- Drizzle schema (src/schema/time-series-data.ts) and created by 0001_tables.sql.
-- https://docs.timescale.com/api/latest/hypertable/create_hypertable/
-- https://docs.timescale.com/api/latest/hypertable/add_dimension/
SELECT create_hypertable('time_series_data', by_range('time', INTERVAL '1 day'), create_default_indexes => FALSE, if_not_exists => TRUE);
--> statement-breakpoint
SELECT add_dimension('time_series_data', by_hash('entity_id', 4), if_not_exists => TRUE);
