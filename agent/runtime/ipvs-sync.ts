/**
 * @module The IPVS connection sync daemons, driven from the document and the VRRP engine: the
 * instance whose `ipvsSync` is set is followed, and at each of its transitions the daemons are
 * switched at once (core/ipvs/sync-daemon-plan.ts says which, after keepalived). Every change is
 * one serialised round: list what the kernel runs, plan, stop, start. A round that fails leaves
 * an `ipvs-sync-failed` condition and a log line, never a stopped agent; without IPVS the
 * condition says so for as long as the document asks for sync.
 */
import type { Condition, IpvsSyncStatus } from '../../contract/agent-status.js';
import type { DirectorVrrpInstance } from '../../contract/vrrp-instance.js';
import type { ObservedSyncDaemon, SyncDaemonRole } from '../core/ipvs/daemon-model.js';
import {
  planSyncDaemons,
  runsAsWanted,
  wantedDaemons,
  type FollowedState,
  type SyncSettings,
} from '../core/ipvs/sync-daemon-plan.js';
import type { SyncDaemonPort } from '../linux/ipvs/sync-daemon-client.js';

export interface IpvsSyncLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IpvsSyncHooks {
  /** After each round: the daemons the kernel runs and the role wanted (metrics). */
  onRound?(running: readonly ObservedSyncDaemon[], wanted: SyncDaemonRole | undefined): void;
}

export const IPVS_SYNC_UNAVAILABLE =
  'this kernel has no IPVS (load the ip_vs module): connections are not synced; VRRP runs';

export class IpvsSyncController {
  private instance: string | undefined;
  private settings: SyncSettings | undefined;
  private state: FollowedState;
  private running: ObservedSyncDaemon[] = [];
  private error: string | undefined;
  private checkedAt = new Date().toISOString();
  private failingSince: string | undefined;
  private rounds: Promise<void> = Promise.resolve();

  constructor(
    /** Undefined: the kernel has no IPVS. */
    private readonly port: SyncDaemonPort | undefined,
    private readonly logger: IpvsSyncLogger,
    private readonly hooks: IpvsSyncHooks = {},
    /** What the condition says when there is no port. */
    private readonly unavailable = IPVS_SYNC_UNAVAILABLE,
  ) {}

  /**
   * The document's instances: follows the one with `ipvsSync` (validation allows one), in
   * `stateOf` its current state. Returns the round's promise (callers need not await it).
   */
  follow(
    instances: readonly DirectorVrrpInstance[],
    stateOf: (instance: string) => FollowedState,
  ): Promise<void> {
    const linked = instances.find((i) => i.ipvsSync !== undefined);
    const { syncId, ...rest } = linked?.ipvsSync ?? { syncId: undefined };
    const settings = linked?.ipvsSync ? { ...rest, syncId: syncId ?? linked.vrid } : undefined;
    const changed =
      linked?.name !== this.instance || JSON.stringify(settings) !== JSON.stringify(this.settings);
    this.instance = linked?.name;
    this.settings = settings as SyncSettings | undefined;
    this.state = linked ? stateOf(linked.name) : undefined;
    return changed ? this.reconcile('document') : this.rounds;
  }

  /** A transition of any instance: acts on the followed one's at once. */
  transition(instance: string, to: FollowedState): Promise<void> {
    if (instance !== this.instance || to === this.state) return this.rounds;
    this.state = to;
    return this.reconcile(`transition to ${to}`);
  }

  /** The status report's part; undefined while no instance asks for sync. */
  status(): IpvsSyncStatus | undefined {
    if (this.instance === undefined || this.settings === undefined) return undefined;
    return {
      instance: this.instance,
      wanted: this.wantedRole()!,
      running: this.running.map((d) => ({
        role: d.role,
        interface: d.interface,
        syncId: d.syncId,
      })),
      ...(this.error === undefined ? {} : { error: this.error }),
      since: this.checkedAt,
    };
  }

  /** `ipvs-sync-failed` while the wanted daemon does not run as asked. */
  conditions(): Condition[] {
    if (this.instance === undefined || this.error === undefined) return [];
    return [
      {
        type: 'ipvs-sync-failed',
        object: { kind: 'VrrpInstance', name: this.instance },
        message: this.error,
        since: this.failingSince ?? this.checkedAt,
      },
    ];
  }

  private wantedRole(): SyncDaemonRole | undefined {
    return wantedDaemons(this.settings, this.state)[0]?.role;
  }

  /** Queues a round; rounds run one at a time, each from the latest wanted state. */
  private reconcile(why: string): Promise<void> {
    this.rounds = this.rounds.then(() => this.round(why));
    return this.rounds;
  }

  private async round(why: string): Promise<void> {
    const wanted = wantedDaemons(this.settings, this.state);
    const now = () => new Date().toISOString();
    if (this.port === undefined) {
      this.setError(wanted.length > 0 ? this.unavailable : undefined, now());
      this.hooks.onRound?.([], this.wantedRole());
      return;
    }
    const errors: string[] = [];
    try {
      const observed = await this.port.listDaemons();
      const steps = planSyncDaemons(observed, wanted);
      for (const step of steps) {
        try {
          if (step.type === 'stop') await this.port.stopDaemon(step.role);
          else await this.port.startDaemon(step.config);
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      this.running = steps.length > 0 ? await this.port.listDaemons() : observed;
      if (steps.length > 0)
        this.logger.info(
          {
            event: 'ipvs-sync',
            instance: this.instance,
            // The round plans from the latest state, which may be newer than its trigger.
            why,
            state: this.state,
            steps: steps.map((s) =>
              s.type === 'stop' ? `stop ${s.role}` : `start ${s.config.role}`,
            ),
            running: this.running.map((d) => d.role),
            failed: errors,
          },
          'IPVS sync daemons switched',
        );
    } catch (error) {
      errors.push((error as Error).message);
    }
    const missing = wanted.filter((w) => !this.running.some((r) => runsAsWanted(r, w)));
    if (errors.length === 0 && missing.length > 0)
      errors.push(`the ${missing[0]!.role} sync daemon does not run as asked`);
    this.setError(errors.length > 0 ? errors.join('; ') : undefined, now());
    if (this.error !== undefined)
      this.logger.error(
        { event: 'ipvs-sync', instance: this.instance, error: this.error },
        'IPVS sync daemon not as wanted',
      );
    this.hooks.onRound?.(this.running, this.wantedRole());
  }

  private setError(error: string | undefined, at: string): void {
    this.checkedAt = at;
    if (error === undefined) this.failingSince = undefined;
    else if (this.error === undefined) this.failingSince = at;
    this.error = error;
  }
}
