// An expected reason the local stack cannot start (a port in use, the data directory held by another
// stack, a bad setting). Its message is the whole story, one line for the user: no stack trace.
export class StartupError extends Error {
  override name = 'StartupError'
}
