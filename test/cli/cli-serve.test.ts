import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { LOCK_FILE } from '../../src/cli/data-dir-lock.ts'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { cliEnv, copyMigratedDataDir, MAIN, REPO, runCli } from './cli-harness.ts'

// Each file sets it: the preload's setDefaultTimeout reaches only the first test file of a run (Bun 1.4.5).
setDefaultTimeout(60_000)

/** Collects a stream in the background: `waitFor` resolves once the text read so far matches. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = ''
  const waiters: (() => void)[] = []
  const done = (async () => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true })
      for (const wake of waiters.splice(0)) wake()
    }
    for (const wake of waiters.splice(0)) wake()
    return text
  })()
  let ended = false
  done.finally(() => {
    ended = true
  })
  return {
    done,
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(text)) {
        if (ended) throw new Error(`stream ended before ${pattern}; got: ${text}`)
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got: ${text}`)
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), Bun.sleep(250)])
      }
      return text
    },
  }
}

describe('serve (embedded only)', () => {
  let folder: string
  let dataDir: string
  // Each serves a copy of a migrated data directory (cli-migrate-status proves the first use).
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'dts-serve-'))
    dataDir = join(folder, 'tsdb')
    for (const dir of [dataDir, join(folder, 'local'), join(folder, 'busy-port')]) await copyMigratedDataDir(dir)
  })
  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  test('serves the embedded database on a loopback port until SIGTERM, then exits 0 with the data saved', async () => {
    const child = Bun.spawn(['bun', MAIN, 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: REPO,
      env: cliEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const stdout = collect(child.stdout)
      const stderrText = collect(child.stderr)
      const banner = await stdout.waitFor(/^URL: \S+$/m)
      const url = /^URL: (\S+)$/m.exec(banner)?.[1] as string
      expect(url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=disable$/)
      expect(banner).toContain('One PostgreSQL session shared by every client')

      const client = postgres(url, { max: 1, onnotice: () => {} })
      try {
        const [version] = await client`select extversion from pg_extension where extname = 'timescaledb'`
        expect(version?.extversion).toMatch(/^2\./)
        await client`insert into time_series_data (entity_id, time, value) values (${'served'}, ${'2024-01-15T10:30:00Z'}, ${42})`
        // TimescaleDB functions over the simple protocol (no parameters).
        await client.unsafe(`create table served_table (time timestamptz not null, v int)`)
        await client.unsafe(`select create_hypertable('served_table', by_range('time'))`)
        const [row] = await client`select count(*)::int as n from time_series_data where entity_id = 'served'`
        expect(row?.n).toBe(1)
      } finally {
        await client.end()
      }

      // The directory is locked while served.
      const busy = await runCli(['status', '--data-dir', dataDir])
      expect(busy.code).toBe(1)
      expect(busy.stderr).toMatch(/is in use by 'drizzle-timescale serve'/)

      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      const stderr = await stderrText.done
      expect(stderr).toMatch(/serve: client \d+ connected from 127\.0\.0\.1:/)
      expect(stderr).toContain('serve: stopped')
    } finally {
      child.kill('SIGKILL')
    }

    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
    const tsdb = await createEmbeddedDatabase({ dataDir })
    try {
      const [row] = await queryRows<{ n: number; hypertable: number }>(
        tsdb.db,
        sql`select (select count(*)::int from time_series_data where entity_id = 'served') as n,
                   (select count(*)::int from timescaledb_information.hypertables where hypertable_name = 'served_table') as hypertable`,
      )
      expect(row).toEqual({ n: 1, hypertable: 1 })
    } finally {
      await tsdb.close()
    }
  })

  test('it stays local: the socket is bound to 127.0.0.1 only, so no other address (127.0.0.2, ::1, any interface) answers', async () => {
    const child = Bun.spawn(['bun', MAIN, 'serve', '--port', '0', '--data-dir', join(folder, 'local')], {
      cwd: REPO,
      env: cliEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const banner = await collect(child.stdout).waitFor(/^URL: \S+$/m)
      const port = Number(new URL(/^URL: (\S+)$/m.exec(banner)?.[1] as string).port)
      // What the kernel says is listening on that port: one socket, on the loopback address only
      // (a socket bound to 127.0.0.1 cannot receive on another interface).
      const listening = Bun.spawnSync(['ss', '-Hltn', `sport = :${port}`])
        .stdout.toString()
        .trim()
        .split('\n')
      expect(listening.map((line) => line.split(/\s+/)[3])).toEqual([`127.0.0.1:${port}`])
      for (const host of ['127.0.0.2', '::1']) {
        const refused = await Bun.connect({ hostname: host, port, socket: { data() {} } }).then(
          (socket) => {
            socket.end()
            return false
          },
          () => true,
        )
        expect({ host, refused }).toEqual({ host, refused: true })
      }
      const local = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
      local.end()
    } finally {
      child.kill('SIGTERM')
      await child.exited
    }
  })

  test('a port in use is a runtime error naming the port', async () => {
    const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    try {
      const run = await runCli(['serve', '--port', String(server.port), '--data-dir', join(folder, 'busy-port')])
      expect(run.code).toBe(1)
      expect(run.stderr.trimEnd().split('\n').at(-1)).toBe(
        `drizzle-timescale: port ${server.port} on 127.0.0.1 is in use: choose another with --port`,
      )
    } finally {
      server.stop(true)
    }
  })
})

test('SIGINT stops a long seed at a batch boundary: exit 130, one line, the database closed and unlocked', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'dts-interrupt-'))
  const dataDir = join(folder, 'tsdb')
  await copyMigratedDataDir(dataDir)
  try {
    const child = Bun.spawn(['bun', MAIN, 'seed', '--days', '365', '--interval', '10 seconds', '--data-dir', dataDir], {
      cwd: REPO,
      env: cliEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    try {
      const stderrText = collect(child.stderr)
      // The first plain progress line comes after 2 s of writing.
      await stderrText.waitFor(/^seed: [\d,]+ rows/m)
      child.kill('SIGINT')
      expect(await child.exited).toBe(130)
      const stderr = await stderrText.done
      expect(stderr).toMatch(/^drizzle-timescale: interrupted after [\d,]+ of 37,843,200 records\n$/m)
    } finally {
      child.kill('SIGKILL')
    }
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false)
    const status = await runCli(['status', '--json', '--data-dir', dataDir])
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).hypertables[0].chunks).toBeGreaterThan(0)
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})
