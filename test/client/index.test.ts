import { expect, test } from 'bun:test'
import * as api from '../../src/index.ts'

test('the root barrel exports the client, factory, repository, errors, types, migrate, inspect and tables', () => {
  const expected = [
    'ClientFactory',
    'TimescaleClient',
    'withRetry',
    'insertRecord',
    'insertManyRecords',
    'getRecords',
    'getLatestValues',
    'getAggregate',
    'getTimeBuckets',
    'streamRecords',
    'upsertEntity',
    'getEntity',
    'listEntities',
    'deactivateEntity',
    'TimescaleClientError',
    'ConnectionError',
    'ValidationError',
    'QueryError',
    'BatchError',
    'MigrationError',
    'ErrorCodes',
    'toTimescaleError',
    'isRetryable',
    'migrate',
    'describeTimescale',
    'formatDescription',
    'collectStatus',
    'timeSeriesData',
    'entities',
    'hourlyMetrics',
    'AGGREGATE_FUNCTIONS',
    'VALUE_COLUMNS',
    'DEFAULT_LIMIT',
    'MAX_LIMIT',
  ]
  for (const name of expected) expect(api).toHaveProperty(name)
})

test('importing the package opens nothing: the embedded build is loaded only by ClientFactory.embedded()', async () => {
  const child = Bun.spawn(
    ['bun', '-e', "await import('./src/index.ts'); console.log(Object.keys(require.cache).some((k) => k.includes('pglite')))"],
    {
      cwd: `${import.meta.dir}/../..`,
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      stdout: 'pipe',
    },
  )
  expect(await child.exited).toBe(0)
  expect((await new Response(child.stdout).text()).trim()).toBe('false')
})
