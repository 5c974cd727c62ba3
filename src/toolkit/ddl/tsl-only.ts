import { type SQL, sql } from 'drizzle-orm'

/**
 * Wraps statements that need the Timescale license (columnstore, policies, continuous
 * aggregates) in a `DO` block that skips them with a NOTICE on the Apache edition, the way the
 * package's own migrations do: one migration folder serves both editions.
 */
export function tslOnly(what: string, body: SQL): SQL {
  const license = sql.raw(`coalesce(current_setting('timescaledb.license', true), 'apache')`)
  return sql`DO $dts$
BEGIN
  IF ${license} <> 'timescale' THEN
    RAISE NOTICE ${`drizzle-timescale: TimescaleDB license is %, not timescale: skipping ${what}`}, ${license};
    RETURN;
  END IF;
${body}
END
$dts$`
}

/**
 * Chooses between TimescaleDB 2.18+'s columnstore names and the compression names of older
 * versions, at migration time (the names of 2.18+ are current; the old ones are deprecated).
 *
 * @see https://docs.timescale.com/api/latest/hypercore/
 */
export function byColumnstoreVersion(current: SQL, older: SQL): SQL {
  return sql`  IF (SELECT string_to_array(split_part(extversion, '-', 1), '.')::int[] >= ARRAY[2, 18]
      FROM pg_extension WHERE extname = 'timescaledb') THEN
${current}
  ELSE
${older}
  END IF;`
}
