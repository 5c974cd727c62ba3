export { type GrantsOptions, grantsSql } from './grants-sql.ts'
