import { PGlite } from '@electric-sql/pglite'
const c0 = await PGlite.create()
console.log((await c0.query(`select name, setting, unit, source, sourcefile from pg_settings where name in ('shared_buffers','wal_buffers','max_connections')`)).rows)
await c0.exec(`alter system set shared_buffers = '16MB'`)
const fs = (c0 as any).mod?.FS ?? (c0 as any).Module?.FS
console.log(Object.keys(c0 as any).slice(0, 30))
await c0.close()
