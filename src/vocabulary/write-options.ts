/** Why one record of a batch was rejected. */
export interface RecordError {
  /** Position of the record in the input array. */
  index: number
  /** Path of the offending field, e.g. `value2` or `metadata.tags[3]`. */
  field: string
  /** The error code (`VALIDATION_ERROR`). */
  code: string
  message: string
}

/** Options of `insertManyRecords`. */
export interface InsertManyOptions {
  /**
   * `false` (default): validate the whole batch first, write nothing if any record is invalid
   * (a `ValidationError` is thrown). `true`: write the valid records and report the invalid ones.
   */
  skipInvalid?: boolean
  /** Rows per statement (default 10,000). */
  chunkSize?: number
  /**
   * How rows travel. `'auto'` (default): on a postgres.js database, one plain `COPY` into the
   * table, and the `'copy'` path when a key already exists (the failed COPY wrote nothing but
   * leaves a unique-violation ERROR in the server log; later calls on that pool then take the
   * `'copy'` path directly for a while); on the embedded PGlite, one plain COPY from a Blob, else
   * `'unnest'` the same way; `'unnest'` on any other driver and inside a transaction.
   * `'copy'`: COPY into a temporary staging table, then one `INSERT ... SELECT ... ON CONFLICT`
   * (postgres.js only; never an error in the server log). `'unnest'`: `INSERT ... SELECT * FROM
   * unnest(...)` with one array parameter per column (every driver).
   */
  method?: 'auto' | 'copy' | 'unnest'
  /**
   * Connections writing at once (default 1, at most 16). With 1, transactions commit one after
   * another (one for the whole call unless it spans more chunks than one transaction can lock:
   * see `atomic`). With more, each chunk commits on its own, and a failure part-way throws a
   * `BatchError` saying how many rows were and were not written; re-running the same call
   * converges (writes are upserts). Not inside a transaction.
   */
  parallel?: number
  /**
   * `false` (default): a call is one transaction when its rows fall in few enough chunks for one
   * transaction's share of the lock table (about 25; six days of 1-day chunks with 4 partitions),
   * otherwise it is cut in time order into such transactions; rows in compressed chunks go in
   * statements sized under `timescaledb.max_tuples_decompressed_per_dml_transaction`.
   * `true`: the whole call in one transaction whatever it spans; when that cannot fit, a
   * `SERVER_LIMIT` error names the setting to raise and nothing is written. Not with `parallel` > 1.
   */
  atomic?: boolean
  /**
   * For a table without a key (append-only) whose hypertable has the columnstore (compression)
   * enabled: the rows land compressed, TimescaleDB compressing each COPY's batches as it reads them
   * (`timescaledb.enable_direct_compress_copy`, set for the write's own transactions), instead of
   * in the rowstore for the compression policy to compress later. For backfills and bulk loads of
   * history: rows of the newest chunks written this way are read and updated from compressed
   * batches until the policy recompresses them. Needs the Timescale license, TimescaleDB 2.21+ and
   * a COPY path (a postgres.js pool, PGlite, or node-postgres with pg-copy-streams); refused (a
   * `ValidationError` on `directCompress`) for a table with a key, whose upserts need the rowstore.
   */
  directCompress?: boolean
}

/** What `insertManyRecords` did. */
export interface BatchResult {
  /** Records given. */
  total: number
  /** Rows inserted or updated (after collapsing duplicate keys within the batch). */
  written: number
  /** Records superseded by a later record with the same `(entity_id, time)` in the same batch. */
  duplicates: number
  /** Records rejected by validation (only with `skipInvalid: true`). */
  failed: number
  /** Why each rejected record was rejected. */
  errors: RecordError[]
  /** Transactions that committed the rows (0 inside the caller's transaction). */
  transactions: number
  durationMs: number
}
