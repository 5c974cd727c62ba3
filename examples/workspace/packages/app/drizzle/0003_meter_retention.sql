-- drizzle-timescale generate: TimescaleDB objects of ./src/schema.ts. Parts that need the Timescale license
-- are skipped with a NOTICE on the Apache edition. Review, then run drizzle-kit migrate.
-- public.meter_readings: chunks older than 2 years are dropped
DO $dts$
BEGIN
  IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN
    RAISE NOTICE 'drizzle-timescale: TimescaleDB license is %, not timescale: skipping the retention policy of public.meter_readings', coalesce(current_setting('timescaledb.license', true), 'apache');
    RETURN;
  END IF;
  PERFORM remove_retention_policy('"public"."meter_readings"', if_exists => TRUE);
  PERFORM add_retention_policy('"public"."meter_readings"', drop_after => INTERVAL '2 years', if_not_exists => TRUE);
END
$dts$;
