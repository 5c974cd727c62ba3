import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'
import { deactivateEntity, getEntity, listEntities, upsertEntity } from '../../src/repository/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

for (const target of targets) {
  describe(`entities on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    test('upsertEntity without an id creates an active entity with a generated cuid2', async () => {
      const before = Date.now()
      const entity = await upsertEntity(t.db, { entity_type: 'sensor', name: 'Warehouse A', metadata: { floor: 2 } })
      expect(entity.entity_id).toMatch(/^[a-z][a-z0-9]{23}$/)
      expect(entity).toMatchObject({ entity_type: 'sensor', name: 'Warehouse A', is_active: true, metadata: { floor: 2 } })
      expect(entity.created_at).toMatch(ISO_MICROS)
      expect(entity.updated_at).toBe(entity.created_at)
      expect(Math.abs(Date.parse(entity.created_at) - before)).toBeLessThan(60_000)
      expect(await getEntity(t.db, entity.entity_id)).toEqual(entity)
    })

    test('an update changes only the given fields, keeps created_at and moves updated_at', async () => {
      const created = await upsertEntity(t.db, {
        entity_id: 'ent-update',
        entity_type: 'server',
        name: 'prod-web-01',
        is_active: false,
        metadata: { dc: 'us-east-1' },
      })
      await Bun.sleep(5)
      const typeOnly = await upsertEntity(t.db, { entity_id: 'ent-update', entity_type: 'server-v2' })
      expect(typeOnly).toMatchObject({ entity_type: 'server-v2', name: 'prod-web-01', is_active: false, metadata: { dc: 'us-east-1' } })
      expect(typeOnly.created_at).toBe(created.created_at)
      expect(typeOnly.updated_at > created.updated_at).toBe(true)
      const cleared = await upsertEntity(t.db, {
        entity_id: 'ent-update',
        entity_type: 'server-v2',
        name: null,
        metadata: null,
        is_active: true,
      })
      expect(cleared).toMatchObject({ name: null, metadata: null, is_active: true })
    })

    test('getEntity of an unknown id is null', async () => {
      expect(await getEntity(t.db, 'ent-nobody')).toBeNull()
    })

    test('listEntities filters by type and activity, orders by entity_id, pages with limit/offset', async () => {
      for (const [id, type, active] of [
        ['list-03', 'pump', true],
        ['list-01', 'pump', true],
        ['list-02', 'valve', true],
        ['list-04', 'pump', false],
        ['list-05', 'pump', true],
      ] as const) {
        await upsertEntity(t.db, { entity_id: id, entity_type: type, is_active: active })
      }
      const ids = async (options: Parameters<typeof listEntities>[1]) => (await listEntities(t.db, options)).map((e) => e.entity_id)
      expect(await ids({ entityType: 'pump' })).toEqual(['list-01', 'list-03', 'list-04', 'list-05'])
      expect(await ids({ entityType: 'pump', isActive: true })).toEqual(['list-01', 'list-03', 'list-05'])
      expect(await ids({ entityType: 'pump', isActive: false })).toEqual(['list-04'])
      expect(await ids({ entityType: 'pump', limit: 2, offset: 1 })).toEqual(['list-03', 'list-04'])
      expect(await ids({ entityType: 'valve', isActive: false })).toEqual([])
      const everything = await ids(undefined)
      expect(everything).toContain('list-02')
      expect(everything).toEqual([...everything].sort())
    })

    test('deactivateEntity reports whether a row changed', async () => {
      await upsertEntity(t.db, { entity_id: 'ent-deact', entity_type: 'machine' })
      expect(await deactivateEntity(t.db, 'ent-deact')).toBe(true)
      expect((await getEntity(t.db, 'ent-deact'))?.is_active).toBe(false)
      expect(await deactivateEntity(t.db, 'ent-deact')).toBe(false)
      expect(await deactivateEntity(t.db, 'ent-nobody')).toBe(false)
    })

    test('metadata round-trips exactly', async () => {
      const metadata = { quote: '"', backslash: '\\', emoji: '😀', nested: { list: [1, null, 'x', { y: false }] } }
      const entity = await upsertEntity(t.db, { entity_id: 'ent-meta', entity_type: 'app', metadata })
      expect(entity.metadata).toEqual(metadata)
      expect((await getEntity(t.db, 'ent-meta'))?.metadata).toEqual(metadata)
    })

    test('bad input is refused with the field named', async () => {
      const attempts: Array<[() => Promise<unknown>, string]> = [
        [() => upsertEntity(t.db, { entity_type: '' }), 'entity_type'],
        [() => upsertEntity(t.db, { entity_type: 'x'.repeat(256) }), 'entity_type'],
        [() => upsertEntity(t.db, { entity_type: 's', name: 'n'.repeat(1001) }), 'name'],
        [() => upsertEntity(t.db, { entity_type: 's', is_active: 'no' as never }), 'is_active'],
        [() => upsertEntity(t.db, { entity_type: 's', metadata: { when: new Date() } as never }), 'metadata.when'],
        [() => upsertEntity(t.db, { entity_type: 's', entity_id: '' }), 'entity_id'],
        [() => getEntity(t.db, 42 as never), 'entityId'],
        [() => deactivateEntity(t.db, ''), 'entityId'],
        [() => listEntities(t.db, { limit: 0 }), 'limit'],
        [() => listEntities(t.db, { offset: -5 }), 'offset'],
        [() => listEntities(t.db, { isActive: 1 as never }), 'isActive'],
      ]
      for (const [call, field] of attempts) {
        const error = await call().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).details.field).toBe(field)
      }
    })
  })
}
