/**
 * @module The agent's configuration: command-line flags over environment variables over
 * defaults, parsed in this one place. Returns a typed config or an error; never exits.
 * Modes: a document from a file (`--desired`) or from the control plane (`--control-plane`).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: fleetlb-agent --desired FILE.json [options]
       fleetlb-agent --control-plane URL --token-file FILE [options]

Runs this director: its VRRP instances and its IPVS virtual servers, from a desired-state
document, until SIGTERM or SIGINT, which resign mastership cleanly (IPVS entries stay, so a
restart drops no connection).

  --desired FILE       run from a file (the JSON GET /v1/agent/config serves) [FLEETLB_DESIRED];
                       SIGHUP re-reads it: instances whose spec did not change run on untouched
  --control-plane URL  long-poll the control plane for this director's document
                       [FLEETLB_CONTROL_PLANE]; each accepted document is kept in the state
                       directory, and the agent starts from it when the control plane is down
  --token-file FILE    this director's agent token [FLEETLB_TOKEN_FILE]
  --state-dir DIR      where the agent writes (last-known-good document, owned IPVS services)
                       [FLEETLB_STATE_DIR] (default /var/lib/fleetlb)
  --metrics-listen ADDR  serve /metrics, /healthz and /readyz on HOST:PORT
                       [FLEETLB_METRICS_LISTEN] (default: not served)
  --check-config       validate the document, print the problems, and exit (0 = valid)
  --no-guard           do not start the crash guard (which resigns for the agent if it dies)
  --log-level LEVEL    trace|debug|info|warn|error [FLEETLB_LOG_LEVEL] (default info)
  -h, --help           show this help

On a kernel without IPVS the agent runs VRRP and says so; a document with virtual servers is
refused there (with --desired, the agent exits 1).
`;

const Config = z
  .object({
    desiredPath: z.string().min(1).optional(),
    controlPlaneUrl: z.url().optional(),
    tokenFile: z.string().min(1).optional(),
    stateDir: z.string().min(1),
    metricsListen: z
      .string()
      .regex(/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'HOST:PORT or [V6]:PORT')
      .optional(),
    checkConfig: z.boolean(),
    guard: z.boolean(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
  })
  .refine((c) => (c.desiredPath === undefined) !== (c.controlPlaneUrl === undefined), {
    message: 'give either --desired FILE or --control-plane URL',
  })
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
        'control-plane': { type: 'string' },
        'token-file': { type: 'string' },
        'state-dir': { type: 'string' },
        'metrics-listen': { type: 'string' },
        'check-config': { type: 'boolean' },
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
  const controlPlane = values['control-plane'] ?? env.FLEETLB_CONTROL_PLANE;
  const tokenFile = values['token-file'] ?? env.FLEETLB_TOKEN_FILE;
  const parsed = Config.safeParse({
    ...(desired === undefined ? {} : { desiredPath: resolve(desired) }),
    ...(controlPlane === undefined ? {} : { controlPlaneUrl: controlPlane }),
    ...(tokenFile === undefined ? {} : { tokenFile: resolve(tokenFile) }),
    stateDir: resolve(values['state-dir'] ?? env.FLEETLB_STATE_DIR ?? '/var/lib/fleetlb'),
    ...metricsListenOf(values['metrics-listen'] ?? env.FLEETLB_METRICS_LISTEN),
    checkConfig: values['check-config'] ?? false,
    guard: !(values['no-guard'] ?? false),
    logLevel: values['log-level'] ?? env.FLEETLB_LOG_LEVEL ?? 'info',
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
