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

function readJournal(folder: string): Journal {
  const path = join(folder, 'meta', '_journal.json')
  if (!existsSync(path))
    throw fail(
      `${folder} has no drizzle-kit migrations (meta/_journal.json): run drizzle-kit generate first, so the tables exist before they become hypertables`,
    )
  return JSON.parse(readFileSync(path, 'utf8')) as Journal
}

/** The tables of drizzle-kit's last snapshot in `folder` (`public.devices`, ...), or `undefined` without migrations. */
export function drizzleSnapshotTables(folder: string): Record<string, unknown> | undefined {
  const path = join(folder, 'meta', '_journal.json')
  if (!existsSync(path)) return undefined
  const last = (JSON.parse(readFileSync(path, 'utf8')) as Journal).entries.at(-1)
  if (!last) return undefined
  const snapshot = join(folder, 'meta', `${last.tag.split('_')[0]}_snapshot.json`)
  return existsSync(snapshot) ? (JSON.parse(readFileSync(snapshot, 'utf8')) as { tables?: Record<string, unknown> }).tables : undefined
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
  const journal = readJournal(folder)
  const last = journal.entries.at(-1)
  if (!last) throw fail(`${folder}/meta/_journal.json lists no migration: run drizzle-kit generate first`)
  const prefix = (tag: string) => tag.split('_')[0] as string
  const snapshotPath = (tag: string) => join(folder, 'meta', `${prefix(tag)}_snapshot.json`)
  const snapshot = JSON.parse(readFileSync(snapshotPath(last.tag), 'utf8')) as { id: string; tables?: Record<string, unknown> }
  for (const key of Object.keys(state.hypertables)) {
    if (!snapshot.tables?.[key]) throw fail(`${key} is not in drizzle-kit's migrations of ${folder}: run drizzle-kit generate first`)
  }
  const idx = last.idx + 1
  const tag = `${String(idx).padStart(4, '0')}_${name}`
  const { id, ...rest } = snapshot
  writeFileSync(snapshotPath(tag), `${JSON.stringify({ ...rest, id: crypto.randomUUID(), prevId: id }, null, 2)}`)
  journal.entries.push({ idx, version: last.version, when: Date.now(), tag, breakpoints: true })
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal, null, 2))
  const path = join(folder, `${tag}.sql`)
  writeFileSync(path, text)
  writeFileSync(join(folder, 'meta', SNAPSHOT_FILE), `${JSON.stringify(state, null, 2)}\n`)
  return path
}
