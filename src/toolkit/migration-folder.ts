import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCodes, MigrationError } from '../errors.ts'
import { EMPTY_STATE, type TimescaleState } from './timescale-state.ts'

/** The toolkit's snapshot, beside drizzle-kit's in `meta/`: drizzle-kit reads every file there as one of its own snapshots except those starting with `_` (like its `_journal.json`). */
export const SNAPSHOT_FILE = '_drizzle-timescale.json'

interface Journal {
  version: string
  dialect: string
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[]
}

const fail = (message: string) => new MigrationError(message, ErrorCodes.MIGRATION)

interface DrizzleSnapshot {
  id: string
  tables?: Record<string, unknown>
}

const journalPath = (folder: string) => join(folder, 'meta', '_journal.json')
/** drizzle-kit names a migration's snapshot after the migration's number: `0003_snapshot.json`. */
const snapshotPath = (folder: string, tag: string) => join(folder, 'meta', `${tag.split('_')[0]}_snapshot.json`)

/** The journal and drizzle-kit's last snapshot of `folder`, or `undefined` without migrations. */
function lastMigration(folder: string): { journal: Journal; last: Journal['entries'][number]; snapshot: DrizzleSnapshot } | undefined {
  if (!existsSync(journalPath(folder))) return undefined
  const journal = JSON.parse(readFileSync(journalPath(folder), 'utf8')) as Journal
  const last = journal.entries.at(-1)
  if (!last || !existsSync(snapshotPath(folder, last.tag))) return undefined
  return { journal, last, snapshot: JSON.parse(readFileSync(snapshotPath(folder, last.tag), 'utf8')) as DrizzleSnapshot }
}

/** The tables of drizzle-kit's last snapshot in `folder` (`public.devices`, ...), or `undefined` without migrations. */
export function drizzleSnapshotTables(folder: string): Record<string, unknown> | undefined {
  return lastMigration(folder)?.snapshot.tables
}

/** The state the last `generate` wrote into `folder`, or the empty state. */
export function readSnapshot(folder: string): TimescaleState {
  const path = join(folder, 'meta', SNAPSHOT_FILE)
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as TimescaleState) : EMPTY_STATE
}

/**
 * Appends a custom migration to a drizzle-kit folder as `drizzle-kit generate --custom` does: the
 * next `NNNN_<name>.sql`, its journal entry, a copy of the last schema snapshot (so drizzle-kit's
 * next diff is unchanged), and the toolkit's snapshot of `state`. Each table that becomes a
 * hypertable must be in drizzle-kit's last snapshot, i.e. created by an earlier migration.
 *
 * @returns the path of the new `.sql` file.
 * @throws {MigrationError} no drizzle-kit migrations yet, or a hypertable's table not among them.
 */
export function writeCustomMigration(folder: string, name: string, text: string, state: TimescaleState): string {
  const found = lastMigration(folder)
  if (!found) {
    throw fail(
      `${folder} has no drizzle-kit migrations (meta/_journal.json and its snapshot): run drizzle-kit generate first, so the tables exist before they become hypertables`,
    )
  }
  const { journal, last, snapshot } = found
  for (const key of Object.keys(state.hypertables)) {
    if (!snapshot.tables?.[key]) throw fail(`${key} is not in drizzle-kit's migrations of ${folder}: run drizzle-kit generate first`)
  }
  const idx = last.idx + 1
  const tag = `${String(idx).padStart(4, '0')}_${name}`
  const { id, ...rest } = snapshot
  writeFileSync(snapshotPath(folder, tag), `${JSON.stringify({ ...rest, id: crypto.randomUUID(), prevId: id }, null, 2)}`)
  journal.entries.push({ idx, version: last.version, when: Date.now(), tag, breakpoints: true })
  writeFileSync(journalPath(folder), JSON.stringify(journal, null, 2))
  const path = join(folder, `${tag}.sql`)
  writeFileSync(path, text)
  writeFileSync(join(folder, 'meta', SNAPSHOT_FILE), `${JSON.stringify(state, null, 2)}\n`)
  return path
}
