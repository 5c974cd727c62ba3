import { describe, expect, test } from 'bun:test'
import { MAX_LIMIT } from '../../src/types.ts'
import {
  MAX_LATEST_ENTITY_IDS,
  validateEntityIds,
  validateInsertManyOptions,
  validateListEntitiesOptions,
  validateStreamOptions,
  validateTimeBucketOptions,
} from '../../src/validation/index.ts'
import { expectInvalid } from './expect-invalid.ts'

describe('options of the repository functions', () => {
  test('insertManyRecords: defaults, bad chunkSize, bad skipInvalid, bad method, bad parallel, bad atomic, bad directCompress, unknown key', () => {
    expect(validateInsertManyOptions(undefined)).toEqual({
      skipInvalid: false,
      chunkSize: 10_000,
      method: 'auto',
      parallel: 1,
      atomic: false,
      directCompress: false,
    })
    expect(validateInsertManyOptions({ skipInvalid: true, chunkSize: 1, method: 'unnest', parallel: 4 })).toEqual({
      skipInvalid: true,
      chunkSize: 1,
      method: 'unnest',
      parallel: 4,
      atomic: false,
      directCompress: false,
    })
    expect(validateInsertManyOptions({ directCompress: true }).directCompress).toBe(true)
    expectInvalid(() => validateInsertManyOptions({ directCompress: 1 }), 'directCompress')
    expectInvalid(() => validateInsertManyOptions({ directCompress: true, method: 'unnest' }), 'directCompress')
    expect(validateInsertManyOptions({ atomic: true }).atomic).toBe(true)
    expectInvalid(() => validateInsertManyOptions({ atomic: 'yes' }), 'atomic')
    expectInvalid(() => validateInsertManyOptions({ atomic: true, parallel: 2 }), 'atomic')
    for (const method of ['COPY', 'values', 1, null]) expectInvalid(() => validateInsertManyOptions({ method }), 'method')
    for (const parallel of [0, 17, 1.5, '2']) expectInvalid(() => validateInsertManyOptions({ parallel }), 'parallel')
    for (const chunkSize of [0, 100_001, 2.5, '100']) expectInvalid(() => validateInsertManyOptions({ chunkSize }), 'chunkSize')
    expectInvalid(() => validateInsertManyOptions({ skipInvalid: 'yes' }), 'skipInvalid')
    expectInvalid(() => validateInsertManyOptions({ skipInvalids: true }), 'skipInvalids')
    expectInvalid(() => validateInsertManyOptions(null), 'options')
  })

  test('streamRecords: ascending pages of 1000 by default', () => {
    expect(validateStreamOptions(undefined)).toEqual({ pageSize: 1000, order: 'asc' })
    expectInvalid(() => validateStreamOptions({ pageSize: MAX_LIMIT + 1 }), 'pageSize')
    expectInvalid(() => validateStreamOptions({ pageSize: 0 }), 'pageSize')
    expectInvalid(() => validateStreamOptions({ order: 'up' }), 'order')
  })

  test('getTimeBuckets: defaults avg of value, newest first, 1000 buckets', () => {
    expect(validateTimeBucketOptions(undefined)).toEqual({
      aggregateFunction: 'avg',
      aggregateColumn: 'value',
      timeZone: undefined,
      gapFill: undefined,
      order: 'desc',
      limit: 1000,
    })
    expectInvalid(() => validateTimeBucketOptions({ aggregateFunction: 'median' }), 'aggregateFunction')
    expectInvalid(() => validateTimeBucketOptions({ aggregateColumn: 'time' }), 'aggregateColumn')
    expectInvalid(() => validateTimeBucketOptions({ timeZone: "UTC'--" }), 'timeZone')
    expectInvalid(() => validateTimeBucketOptions({ gapFill: 'linear' }), 'gapFill')
    expectInvalid(() => validateTimeBucketOptions({ gapFill: true }), 'gapFill')
    expectInvalid(() => validateTimeBucketOptions({ order: 'newest' }), 'order')
    expectInvalid(() => validateTimeBucketOptions({ limit: 0 }), 'limit')
    expectInvalid(() => validateTimeBucketOptions({ timezone: 'UTC' }), 'timezone')
  })

  test('listEntities: filters, limit and offset', () => {
    expect(validateListEntitiesOptions({ entityType: 'sensor', isActive: false, offset: 20 })).toEqual({
      entityType: 'sensor',
      isActive: false,
      limit: 1000,
      offset: 20,
    })
    expectInvalid(() => validateListEntitiesOptions({ entityType: '' }), 'entityType')
    expectInvalid(() => validateListEntitiesOptions({ isActive: 'true' }), 'isActive')
    expectInvalid(() => validateListEntitiesOptions({ limit: MAX_LIMIT + 1 }), 'limit')
    expectInvalid(() => validateListEntitiesOptions({ offset: -1 }), 'offset')
    expectInvalid(() => validateListEntitiesOptions({ offset: 0.5 }), 'offset')
    expectInvalid(() => validateListEntitiesOptions({ type: 'sensor' }), 'type')
  })

  test('getLatestValues ids: validated one by one, deduplicated in order, capped', () => {
    expect(validateEntityIds(['b', 'a', 'b', 'c', 'a'])).toEqual(['b', 'a', 'c'])
    expectInvalid(() => validateEntityIds(['a', '']), 'entityIds[1]')
    expectInvalid(() => validateEntityIds(['a', 7]), 'entityIds[1]')
    expectInvalid(() => validateEntityIds('a'), 'entityIds')
    const many = Array.from({ length: MAX_LATEST_ENTITY_IDS + 1 }, (_, i) => `e${i}`)
    expect(validateEntityIds(many.slice(0, MAX_LATEST_ENTITY_IDS).concat(['e0']))).toHaveLength(MAX_LATEST_ENTITY_IDS)
    expectInvalid(() => validateEntityIds(many), 'entityIds')
  })
})
