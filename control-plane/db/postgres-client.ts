/**
 * @module The postgres.js client options of every connection the control plane opens: the main
 * pool (database.ts) and the status report worker's own connection (status/report-worker.ts),
 * so both fail and reconnect alike under a database fault.
 */
import postgres from 'postgres';

const CONNECT_TIMEOUT_S = 5;
const RECONNECT_MAX_S = 0.5;

export function postgresClient(url: string, max: number, applicationName = 'fleetlb') {
  return postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: applicationName },
    // A refused or black-holed server fails a request in seconds (answered 503), not 30 s.
    connect_timeout: CONNECT_TIMEOUT_S,
    // postgres.js waits up to 20 s between reconnects after repeated failures; capped at
    // RECONNECT_MAX_S so a database that comes back is in use again within about a second.
    backoff: (retries: number) =>
      Math.min(0.05 * 2 ** retries, RECONNECT_MAX_S) * (0.5 + Math.random() / 2),
  });
}
