import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

/** The lock file's name inside an embedded database's directory. */
export const LOCK_FILE = 'drizzle-timescale.lock'

/** Another live process has the embedded database open. */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError'
}

/*
 * PGlite writes a postmaster.pid with a fake pid and never checks it, so two processes opening one
 * data directory would both write to it and corrupt it. This lock makes the second one stop instead.
 */

/**
 * Takes the lock of an embedded database directory for this process (the directory must exist and
 * hold a database: initdb refuses a non-empty directory). A lock left by a dead process is taken
 * over. Returns the release function.
 */
export function lockDataDir(dir: string, command: string): () => void {
  const path = join(dir, LOCK_FILE)
  const content = `${JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() })}\n`
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readHolder(path)
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirBusyError(
          `the embedded database in ${dir} is in use by 'drizzle-timescale ${holder.command}' (pid ${holder.pid}); ` +
            'stop it first, or connect to the URL that serve printed',
        )
      }
      unlinkSync(path)
      continue
    }
    writeSync(fd, content)
    closeSync(fd)
    return () => {
      try {
        if (readHolder(path)?.pid === process.pid) unlinkSync(path)
      } catch {}
    }
  }
  throw new DataDirBusyError(`could not take the lock ${path}`)
}

function readHolder(path: string): { pid: number; command: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; command?: unknown }
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, command: String(parsed.command) } : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
