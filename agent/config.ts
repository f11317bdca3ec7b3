/**
 * @module The agent's configuration: command-line flags over environment variables over
 * defaults, parsed in this one place. Returns a typed config or an error; never exits.
 * This is the standalone VRRP mode (`--desired FILE`); the control-plane mode, keepalived.conf
 * mode and the IPVS dataplane join it with the agent runtime.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const USAGE = `Usage: fleetlb-agent --desired FILE.json [options]

Runs this director's VRRP instances from a desired-state document (the JSON the control plane
serves at GET /v1/agent/config), until SIGTERM or SIGINT, which resign mastership cleanly.
SIGHUP re-reads FILE: instances whose spec did not change keep running untouched.

Options (environment variable in brackets):
  --desired FILE       desired-state document to run [FLEETLB_DESIRED]
  --check-config       validate the document, print the problems, and exit (0 = valid)
  --no-guard           do not start the crash guard (which resigns for the agent if it dies)
  --log-level LEVEL    trace|debug|info|warn|error [FLEETLB_LOG_LEVEL] (default info)
  -h, --help           show this help
`;

const Config = z.object({
  desiredPath: z.string().min(1),
  checkConfig: z.boolean(),
  guard: z.boolean(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
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
  if (desired === undefined) return { help: false, error: '--desired FILE is required' };
  const parsed = Config.safeParse({
    desiredPath: resolve(desired),
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
