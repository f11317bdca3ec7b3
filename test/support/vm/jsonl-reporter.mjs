/** @module A node:test reporter that writes one JSON line per finished test; guest-runner.ts reads it back on the host. Plain JS: Node 20 loads reporters without the tsx hooks. */

/** The thrown value behind node:test's ERR_TEST_FAILURE wrapper, as plain text. */
function describe(error) {
  const cause = error?.cause ?? error;
  if (
    cause instanceof Error ||
    (typeof cause === 'object' && cause !== null && 'message' in cause)
  ) {
    return {
      message: String(cause.message),
      stack: typeof cause.stack === 'string' ? cause.stack : undefined,
    };
  }
  return { message: String(cause), stack: undefined };
}

export default async function* jsonlReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, skip, todo, details } = event.data;
    const error = details.error;
    yield `${JSON.stringify({
      status: event.type === 'test:pass' ? 'pass' : 'fail',
      name,
      nesting,
      file,
      skip,
      todo,
      suite: details.type === 'suite',
      durationMs: details.duration_ms,
      error:
        error === undefined ? undefined : { failureType: error.failureType, ...describe(error) },
    })}\n`;
  }
}
