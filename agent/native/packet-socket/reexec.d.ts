/**
 * Replaces this process by `file` run with `argv` (argv[0] included) and `env` ("NAME=value"),
 * as execve(2): same pid, same open descriptors. Returns only on failure, throwing an Error with
 * `errno` set.
 */
export function reexec(file: string, argv: readonly string[], env: readonly string[]): never;
