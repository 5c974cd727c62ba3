/*
 * `serve` with the clients people bring, at once: a postgres.js pool of 10 and a node-postgres
 * pool of 10 (transactions, 1 MB statements, COPY FROM STDIN through postgres.js and
 * pg-copy-streams, named prepared statements of the same name), and psql beside them (a 1 MB
 * statement from a script, \copy). Every row is counted at the end; no DEBUG message reaches a
 * client. And when the embedded database aborts, the server says so and closes its clients.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import postgres from 'postgres'
import { EmbeddedServer } from '../../src/cli/serve/embedded-server.ts'
import { cstring, withBody } from '../../src/cli/serve/pg-messages.ts'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import { cliEnv, copyMigratedDataDir, MAIN, REPO } from './cli-harness.ts'

const CHROOT = join(process.env.HOME ?? '/root', '.cache/drizzle-timescale/native')
const hasPsql = existsSync(join(CHROOT, 'usr/bin/psql'))
const MB = 'x'.repeat(1_000_000)

async function psql(url: string, script: string): Promise<{ code: number; out: string }> {
  const child = Bun.spawn(['/usr/sbin/chroot', CHROOT, 'psql', url, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-At'], {
    stdin: new Blob([script]),
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
  })
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  return { code, out: out + err }
}

describe('serve with many clients at once', () => {
  let folder: string
  let child: ReturnType<typeof Bun.spawn>
  let url: string
  let stderr = ''
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'dts-serve-clients-'))
    await copyMigratedDataDir(join(folder, 'tsdb'))
    child = Bun.spawn(['bun', MAIN, 'serve', '--port', '0', '--data-dir', join(folder, 'tsdb')], {
      cwd: REPO,
      env: cliEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const reader = (child.stdout as ReadableStream<Uint8Array>).getReader()
    let text = ''
    while (!/^URL: \S+$/m.test(text)) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`serve ended: ${text}`)
      text += new TextDecoder().decode(value)
    }
    url = /^URL: (\S+)$/m.exec(text)?.[1] as string
    void (async () => {
      for await (const chunk of child.stderr as ReadableStream<Uint8Array>) stderr += new TextDecoder().decode(chunk)
    })()
  }, 60_000)
  afterAll(() => {
    child.kill('SIGKILL')
    rmSync(folder, { recursive: true, force: true })
  })

  test('postgres.js (10), node-postgres (10) and psql together: transactions, 1 MB statements, COPY; every row there, no DEBUG', async () => {
    const notices: string[] = []
    const js = postgres(url, { max: 10, onnotice: (n) => notices.push(String(n.severity)) })
    const pool = new pg.Pool({ connectionString: url, max: 10 })
    pool.on('connect', (c) => c.on('notice', (n) => notices.push(String(n.severity))))
    try {
      await js.unsafe('create table served (source text not null, n int not null, payload text)')
      const work: Promise<unknown>[] = []
      for (let i = 0; i < 10; i++) {
        work.push(
          js.begin(async (tx) => {
            await tx`insert into served values ('js', ${i}, null)`
            await tx`insert into served values ('js-mb', ${i}, ${MB})`
          }),
        )
        work.push(
          (async () => {
            const c = await pool.connect()
            try {
              await c.query('begin')
              await c.query('insert into served values ($1, $2, null)', ['pg', i])
              await c.query(`insert into served values ('pg-mb', ${i}, '${MB}')`)
              await c.query('commit')
            } finally {
              c.release()
            }
          })(),
        )
      }
      work.push(
        (async () => {
          const w = await js`copy served (source, n) from stdin`.writable()
          await pipeline(Readable.from(Array.from({ length: 100 }, (_, i) => `js-copy\t${i}\n`)), w)
        })(),
      )
      work.push(
        (async () => {
          const c = await pool.connect()
          try {
            await pipeline(
              Readable.from(Array.from({ length: 100 }, (_, i) => `pg-copy\t${i}\n`)),
              c.query(copyFrom('copy served (source, n) from stdin')),
            )
          } finally {
            c.release()
          }
        })(),
      )
      let psqlRun: Promise<{ code: number; out: string }> | undefined
      if (hasPsql) {
        psqlRun = psql(
          url,
          `insert into served values ('psql-mb', 0, '${MB}');\n\\copy served (source, n) from stdin\npsql-copy\t1\npsql-copy\t2\n\\.\nselect count(*) from served where source like 'psql%';\n`,
        )
      }
      await Promise.all(work)
      const counts =
        await js`select source, count(*)::int as n, max(length(payload))::int as longest from served group by source order by source`
      expect(counts.map((r) => [r.source, r.n])).toEqual(
        expect.arrayContaining([
          ['js', 10],
          ['js-copy', 100],
          ['js-mb', 10],
          ['pg', 10],
          ['pg-copy', 100],
          ['pg-mb', 10],
        ]),
      )
      expect(counts.find((r) => r.source === 'pg-mb')?.longest).toBe(1_000_000)
      if (psqlRun) {
        const run = await psqlRun
        expect(run.code).toBe(0)
        expect(run.out.trim().split('\n').at(-1)).toBe('3')
        expect(run.out).not.toContain('DEBUG')
      }
      // Prepared statements of the same name on two connections stay apart.
      const [a, b] = [await pool.connect(), await pool.connect()]
      try {
        expect((await a.query({ name: 'q', text: 'select 1 as v' })).rows).toEqual([{ v: 1 }])
        expect((await b.query({ name: 'q', text: 'select 2 as v' })).rows).toEqual([{ v: 2 }])
        expect((await a.query({ name: 'q', text: 'select 1 as v' })).rows).toEqual([{ v: 1 }])
      } finally {
        a.release()
        b.release()
      }
      expect(notices.filter((s) => /DEBUG/i.test(s))).toEqual([])
    } finally {
      await js.end()
      await pool.end()
    }
    expect(stderr).toMatch(/serve: client \d+ connected/)
  }, 120_000)

  test('SIGTERM stops it: exit 0', async () => {
    child.kill('SIGTERM')
    expect(await child.exited).toBe(0)
    expect(stderr).toContain('serve: stopped')
  })
})

test('when the embedded database aborts, the server reports it once and closes its clients', async () => {
  // A real abort: PGlite exits on COPY FROM STDIN (the server never sends it one; this test does, directly).
  const tsdb = await createEmbeddedDatabase({ migrate: false })
  const aborts: unknown[] = []
  const server = new EmbeddedServer({ pglite: tsdb.pglite, host: '127.0.0.1', port: 0, log: () => {}, onAbort: (e) => aborts.push(e) })
  const port = await server.start()
  const client = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`, { max: 1, onnotice: () => {} })
  try {
    expect((await client`select 1 as one`)[0]?.one).toBe(1)
    await tsdb.pglite.execProtocolRaw(withBody(0x51, cstring('copy pg_class from stdin'))).catch(() => {})
    const error = await client`select 2`.then(
      () => null,
      (e: Error) => e,
    )
    expect(error).not.toBeNull()
    expect(aborts).toHaveLength(1)
  } finally {
    await client.end({ timeout: 1 })
    await server.stop()
  }
})
