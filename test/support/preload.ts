import { setDefaultTimeout } from 'bun:test'

// Integration tests start a WASM TimescaleDB (2-3 s cold, more on a loaded machine) or create a
// database on the native server; bunfig.toml has no timeout setting, so it is set here.
setDefaultTimeout(60_000)
