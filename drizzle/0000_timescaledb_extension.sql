-- drizzle-timescale: the TimescaleDB extension, with a clear error where the server has none.
-- https://docs.timescale.com/self-hosted/latest/install/
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
     AND NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    RAISE EXCEPTION 'drizzle-timescale needs the TimescaleDB extension, and this PostgreSQL server does not have it installed'
      USING ERRCODE = 'undefined_file',
            HINT = 'Install TimescaleDB for this PostgreSQL version (https://docs.timescale.com/self-hosted/latest/install/), add timescaledb to shared_preload_libraries in postgresql.conf and restart the server; or use the embedded database from drizzle-timescale/embedded.';
  END IF;
END
$$;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS timescaledb;
