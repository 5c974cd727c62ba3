export {
  createEmbeddedDatabase,
  type EmbeddedDatabase,
  type EmbeddedDatabaseOptions,
  type EmbeddedDrizzle,
} from './embedded-database.ts'
