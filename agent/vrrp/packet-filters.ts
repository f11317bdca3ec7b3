/**
 * @module The nftables rules the VRRP engine depends on, installed before any instance runs and
 * removed when the engine stops:
 * - Accept_Mode False (core/vrrp/accept-mode.ts). If it cannot be installed, the instances that
 *   need it do not start: never a master that accepts what it was told to refuse.
 * - The IPv6 hop-limit-255 check (core/vrrp/hop-limit.ts), which the raw socket cannot make. If
 *   nftables is missing, IPv6 instances still run and a warning says the check is not enforced.
 */
import { noAcceptAddresses, noAcceptRuleset } from '../core/vrrp/accept-mode.js';
import { hopLimitRuleset } from '../core/vrrp/hop-limit.js';
import type { PlannedInstance } from './instance-plan.js';

export type ApplyRuleset = (ruleset: string) => Promise<void>;

export interface FilterLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const needsNoAccept = (p: PlannedInstance): boolean =>
  !p.spec.acceptMode && p.spec.priority !== 255;

export class PacketFilters {
  private installed = { noAccept: false, hopLimit: false };

  constructor(
    private readonly apply: ApplyRuleset,
    private readonly logger: FilterLogger,
  ) {}

  /** Installs the rules; returns the plans that may start, and why the others may not. */
  async install(
    plans: readonly PlannedInstance[],
  ): Promise<{ ready: PlannedInstance[]; refused: Map<string, string> }> {
    const refused = new Map<string, string>();
    const addresses = noAcceptAddresses(
      plans.map((p) => ({
        acceptMode: p.spec.acceptMode,
        priority: p.spec.priority,
        vips: p.vips.map((v) => v.address),
      })),
    );
    if (addresses.length > 0) {
      try {
        await this.apply(noAcceptRuleset(addresses));
        this.installed.noAccept = true;
      } catch (error) {
        const reason = `acceptMode false needs nftables: ${(error as Error).message}`;
        for (const plan of plans.filter(needsNoAccept)) refused.set(plan.spec.name, reason);
      }
    }
    const ipv6Interfaces = plans.filter((p) => p.family === 'ipv6').map((p) => p.interface.name);
    if (ipv6Interfaces.length > 0) {
      try {
        await this.apply(hopLimitRuleset(ipv6Interfaces));
        this.installed.hopLimit = true;
      } catch (error) {
        this.logger.warn(
          { error: (error as Error).message },
          'IPv6 VRRP hop-limit 255 check not enforced (needs nftables)',
        );
      }
    }
    return { ready: plans.filter((p) => !refused.has(p.spec.name)), refused };
  }

  /** Removes whatever `install` put in place. Never throws. */
  async remove(): Promise<void> {
    const rulesets = [
      ...(this.installed.noAccept ? [noAcceptRuleset([])] : []),
      ...(this.installed.hopLimit ? [hopLimitRuleset([])] : []),
    ];
    this.installed = { noAccept: false, hopLimit: false };
    for (const ruleset of rulesets) {
      await this.apply(ruleset).catch((error: Error) =>
        this.logger.error({ error: error.message }, 'removing nftables rules failed'),
      );
    }
  }
}
