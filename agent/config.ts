/**
 * @module The agent's configuration: command-line flags over environment variables over
 * defaults, parsed in this one place. Returns a typed config or an error; never exits.
 * Modes: a document from a file (`--desired`), from a keepalived.conf (`--keepalived-conf`) or
 * from the control plane (`--control-plane`).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: fleetlb-agent --control-plane URL --token-file FILE [options]
       fleetlb-agent --desired FILE.json [options]
       fleetlb-agent --keepalived-conf FILE [--site NAME] [options]

Runs this director: its VRRP instances, health checks and IPVS virtual servers, from a
desired-state document, until SIGTERM or SIGINT, which resign mastership cleanly (priority-0
advert, VIPs removed; IPVS entries stay unless --ipvs-on-exit remove, so a restart drops no
connection).

  --desired FILE       run from a file (the JSON GET /v1/agent/config serves) [FLEETLB_DESIRED];
                       SIGHUP re-reads it: instances whose spec did not change run on untouched
  --keepalived-conf FILE  run from an existing keepalived.conf (includes followed)
                       [FLEETLB_KEEPALIVED_CONF]; what fleetlb cannot express is a warning with
                       file:line, errors name file:line:column; SIGHUP re-reads it
  --site NAME          the site a keepalived.conf's director belongs to (default standalone)
  --control-plane URL  long-poll the control plane for this director's document
                       [FLEETLB_CONTROL_PLANE]; each accepted document is kept in the state
                       directory, and the agent starts from it when the control plane is down
  --token-file FILE    this director's agent token [FLEETLB_TOKEN_FILE]
  --state-dir DIR      where the agent writes (last-known-good document, owned IPVS services)
                       [FLEETLB_STATE_DIR] (default /var/lib/fleetlb)
  --metrics-listen ADDR  serve /metrics, /healthz and /readyz on HOST:PORT
                       [FLEETLB_METRICS_LISTEN] (default: not served)
  --check-config       validate the document, print the problems, and exit (0 = valid)
  --dry-run            print what the agent would do to this kernel (IPVS operations, VRRP
                       instances) and exit, changing nothing
  --ipvs-on-exit keep|remove  on SIGTERM leave the IPVS services fleetlb installed (keep,
                       the default: connections survive a restart) or remove them
                       [FLEETLB_IPVS_ON_EXIT]
  --no-guard           do not start the crash guard (which resigns for the agent if it dies)
  --log-level LEVEL    trace|debug|info|warn|error [FLEETLB_LOG_LEVEL] (default info)
  -h, --help           show this help

On a kernel without IPVS the agent runs VRRP and the health checks, and reports each virtual
server of its document as not programmed (condition ipvs-unavailable: log, status, metrics).
SIGTERM sends the control plane a last status report (within 2 s) after resigning.
The agent restarts itself with the V8 flags it ships with (lite mode up to 1,000 real servers:
agent/README.md, V8 settings);
FLEETLB_AGENT_NODE_FLAGS replaces them ("" = V8's defaults).
`;

/** The variables the launcher reads (agent/bin/node-flags.js). */
const LauncherEnv = z.object({
  FLEETLB_AGENT_NODE_FLAGS: z.string().optional(),
  FLEETLB_AGENT_FIRST_DOCUMENT_REEXEC: z.string().optional(),
});

const Config = z
  .object({
    desiredPath: z.string().min(1).optional(),
    keepalivedConfPath: z.string().min(1).optional(),
    site: z.string().regex(/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/, 'must be a name'),
    controlPlaneUrl: z.url().optional(),
    tokenFile: z.string().min(1).optional(),
    stateDir: z.string().min(1),
    metricsListen: z
      .string()
      .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'HOST:PORT or [V6]:PORT')
      .optional(),
    checkConfig: z.boolean(),
    dryRun: z.boolean(),
    ipvsOnExit: z.enum(['keep', 'remove']),
    guard: z.boolean(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    /** What the launcher reads of the environment (agent/bin/node-flags.js), as it read it. */
    launcherEnv: LauncherEnv,
  })
  .refine(
    (c) =>
      [c.desiredPath, c.keepalivedConfPath, c.controlPlaneUrl].filter((v) => v !== undefined)
        .length === 1,
    { message: 'give one of --control-plane URL, --desired FILE or --keepalived-conf FILE' },
  )
  .refine((c) => c.controlPlaneUrl === undefined || c.tokenFile !== undefined, {
    message: '--control-plane needs --token-file',
  });
export type AgentConfig = z.output<typeof Config>;

export type ParsedAgentConfig =
  { help: true } | { help: false; config: AgentConfig } | { help: false; error: string };

export function parseAgentConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedAgentConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        desired: { type: 'string' },
        'keepalived-conf': { type: 'string' },
        site: { type: 'string' },
        'control-plane': { type: 'string' },
        'token-file': { type: 'string' },
        'state-dir': { type: 'string' },
        'metrics-listen': { type: 'string' },
        'check-config': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'ipvs-on-exit': { type: 'string' },
        'no-guard': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { help: false, error: (error as Error).message };
  }
  if (values.help) return { help: true };
  const desired = values.desired ?? env.FLEETLB_DESIRED;
  const keepalivedConf = values['keepalived-conf'] ?? env.FLEETLB_KEEPALIVED_CONF;
  const controlPlane = values['control-plane'] ?? env.FLEETLB_CONTROL_PLANE;
  const tokenFile = values['token-file'] ?? env.FLEETLB_TOKEN_FILE;
  const parsed = Config.safeParse({
    ...(desired === undefined ? {} : { desiredPath: resolve(desired) }),
    ...(keepalivedConf === undefined ? {} : { keepalivedConfPath: resolve(keepalivedConf) }),
    site: values.site ?? 'standalone',
    ...(controlPlane === undefined ? {} : { controlPlaneUrl: controlPlane }),
    ...(tokenFile === undefined ? {} : { tokenFile: resolve(tokenFile) }),
    stateDir: resolve(values['state-dir'] ?? env.FLEETLB_STATE_DIR ?? '/var/lib/fleetlb'),
    ...metricsListenOf(values['metrics-listen'] ?? env.FLEETLB_METRICS_LISTEN),
    checkConfig: values['check-config'] ?? false,
    dryRun: values['dry-run'] ?? false,
    ipvsOnExit: values['ipvs-on-exit'] ?? env.FLEETLB_IPVS_ON_EXIT ?? 'keep',
    guard: !(values['no-guard'] ?? false),
    logLevel: values['log-level'] ?? env.FLEETLB_LOG_LEVEL ?? 'info',
    launcherEnv: launcherEnvOf(env),
  });
  if (!parsed.success) {
    return {
      help: false,
      error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { help: false, config: parsed.data };
}

function metricsListenOf(value: string | undefined): { metricsListen?: string } {
  return value === undefined ? {} : { metricsListen: value };
}

/** The variables the launcher reads (agent/bin/node-flags.js), those that are set. */
function launcherEnvOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = Object.keys(LauncherEnv.shape);
  return Object.fromEntries(names.flatMap((n) => (env[n] === undefined ? [] : [[n, env[n]]])));
}
