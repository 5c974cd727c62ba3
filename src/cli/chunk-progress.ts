import type { ChunkProgress } from '../operations/index.ts'
import type { CliOutput } from './cli-context.ts'

/**
 * Progress of an operation over chunks on stderr: redrawn in place on a terminal (every 100 ms at
 * most), one plain line every 2 seconds elsewhere (a CI log). `done()` ends the line.
 *
 * @example
 * ```ts
 * const progress = chunkProgress(context.stderr, 'compress public.readings')
 * await compressChunks(db, 'readings', { olderThan: '7 days', onProgress: progress.update })
 * progress.done()
 * ```
 */
export function chunkProgress(stream: CliOutput, label: string, now = () => performance.now()): { update: ChunkProgress; done(): void } {
  const tty = Boolean(stream.isTTY)
  const every = tty ? 100 : 2000
  const started = now()
  let last = started
  let drawn = false
  return {
    update(done, total, chunk) {
      const t = now()
      if (t - last < every) return
      last = t
      const line = `${label}: ${done} of ${total} chunks (${chunk})`
      stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`)
      drawn = tty
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K')
      drawn = false
    },
  }
}
