import type { ClientSession } from './client-session.ts'
import { concat, cstring, Frontend, readCString, withBody } from './pg-messages.ts'

/**
 * The message with its prepared statement and portal names made this client's own (`c<id>_name`:
 * clients share one backend session), or `undefined` when it names none (the unnamed ones are
 * the client's while it holds the backend). Records the client's statements, for their
 * deallocation when it leaves.
 */
export function ownStatementNames(client: ClientSession, type: number, body: Uint8Array): Uint8Array | undefined {
  const own = (name: string) => (name === '' ? '' : `c${client.id}_${name}`)
  switch (String.fromCharCode(type)) {
    case Frontend.Parse: {
      const name = readCString(body, 0)
      if (name.text === '') return undefined
      client.statements.add(own(name.text))
      return withBody(type, concat([cstring(own(name.text)), body.subarray(name.end)]))
    }
    case Frontend.Bind: {
      const portal = readCString(body, 0)
      const statement = readCString(body, portal.end)
      if (portal.text === '' && statement.text === '') return undefined
      return withBody(type, concat([cstring(own(portal.text)), cstring(own(statement.text)), body.subarray(statement.end)]))
    }
    case Frontend.Describe:
    case Frontend.Close: {
      const name = readCString(body, 1)
      if (name.text === '') return undefined
      if (String.fromCharCode(type) === Frontend.Close && body[0] === 0x53 /* S: a statement */) client.statements.delete(own(name.text))
      return withBody(type, concat([body.subarray(0, 1), cstring(own(name.text)), body.subarray(name.end)]))
    }
    case Frontend.Execute: {
      const portal = readCString(body, 0)
      if (portal.text === '') return undefined
      return withBody(type, concat([cstring(own(portal.text)), body.subarray(portal.end)]))
    }
    default:
      return undefined
  }
}
