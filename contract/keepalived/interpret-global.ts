/** @module keepalived interpreters for `global_defs`, `vrrp_script` and `vrrp_sync_group`. */
import type { ConfigNode } from './parse-blocks.js';
import {
  argAt,
  type Ctx,
  type Handler,
  ignored,
  int,
  lenientUnsigned,
  command,
  notifyUser,
  scriptUser,
  seconds,
  set,
  str,
  walk,
  warn,
} from './interpret-context.js';
import type {
  GlobalDefs,
  NotifyScripts,
  NotifyUsers,
  ScriptUserConf,
  VrrpScript,
  VrrpSyncGroup,
} from './model.js';

export function emptyGlobalDefs(): GlobalDefs {
  return { enableScriptSecurity: false, vrrpStrict: false, notificationEmails: [] };
}

const notSupported = 'is not supported by fleetlb';

const GLOBAL: Record<string, Handler<GlobalDefs>> = {
  router_id: (n, g, c) => set(g, 'routerId', str(n, c)),
  // global_parser.c script_security_handler() reads no value: `enable_script_security 1` is on.
  enable_script_security: (_n, g) => (g.enableScriptSecurity = true),
  // global_parser.c vrrp_strict_handler() reads no value either.
  vrrp_strict: (_n, g) => (g.vrrpStrict = true),
  vrrp_version: (n, g, c) => set(g, 'vrrpVersion', int(n, c, 2, 3) as 2 | 3 | undefined),
  vrrp_garp_master_delay: (n, g, c) => set(g, 'vrrpGarpMasterDelayS', seconds(n, c)),
  vrrp_garp_master_repeat: (n, g, c) => set(g, 'vrrpGarpMasterRepeat', int(n, c, 1, 65535)),
  vrrp_garp_master_refresh: (n, g, c) => set(g, 'vrrpGarpMasterRefreshS', seconds(n, c)),
  vrrp_garp_lower_prio_delay: (n, g, c) => set(g, 'vrrpGarpLowerPrioDelayS', seconds(n, c)),
  vrrp_garp_lower_prio_repeat: (n, g, c) => set(g, 'vrrpGarpLowerPrioRepeat', int(n, c, 1, 65535)),
  vrrp_garp_interval: (n, g, c) => set(g, 'vrrpGarpIntervalS', seconds(n, c)),
  notification_email: (n, g) =>
    g.notificationEmails.push(...n.args, ...(n.children ?? []).map((e) => e.keyword)),
  notification_email_from: (n, g, c) => set(g, 'notificationEmailFrom', str(n, c)),
  smtp_server: (n, g, c) => set(g, 'smtpServer', str(n, c)),
  smtp_connect_timeout: (n, g, c) => set(g, 'smtpConnectTimeoutS', seconds(n, c)),
  script_user: (n, g, c) => set(g, 'scriptUser', scriptUserLine(n, c)),
  net_namespace: (n, g, c) => set(g, 'netNamespace', str(n, c)),
  lvs_sync_daemon: (n, g) => {
    g.lvsSyncDaemon = [...n.args];
    g.lvsSyncDaemonAt = n.at;
  },
  lvs_sync_daemon_interface: ignored(`(old LVS sync daemon syntax) ${notSupported}`),
  vrrp_mcast_group4: ignored(notSupported),
  vrrp_mcast_group6: ignored(notSupported),
  vrrp_skip_check_adv_addr: ignored(notSupported),
  vrrp_iptables: ignored(notSupported),
};

export function interpretGlobalDefs(node: ConfigNode, g: GlobalDefs, ctx: Ctx): void {
  walk(node.children, GLOBAL, g, ctx, 'global_defs');
}

/**
 * vrrp_parser.c `vrrp_vscript_interval_handler()` / `…_timeout_handler()`: whole seconds read
 * leniently (`interval .2` is 0), and 0 becomes 1.
 */
function wholeSeconds(key: 'intervalS' | 'timeoutS'): Handler<VrrpScript> {
  return (n, s, c) => {
    const value = lenientUnsigned(n, c, 0, 4294);
    if (value === 0)
      warn(c, argAt(n, 0), `'${n.keyword}' must be at least 1 second: 1, as keepalived sets it`);
    set(s, key, value === 0 ? 1 : value);
  };
}

/** vrrp_parser.c vrrp_vscript_weight_handler(): -253..253, then an optional `reverse`. */
function scriptWeight(n: ConfigNode, s: VrrpScript, c: Ctx): void {
  const text = n.args[0] ?? '';
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  if (value >= -253 && value <= 253) s.weight = value;
  else if (Number.isInteger(value)) {
    // keepalived warns but keeps the number; on a 1-254 priority ±254 has the same effect.
    s.weight = Math.max(-254, Math.min(254, value));
    warn(
      c,
      argAt(n, 0),
      `vrrp_script weight ${text} is not -253..253; keepalived keeps it, fleetlb uses ${s.weight} (the same effect on a 1-254 priority)`,
    );
  } else warn(c, argAt(n, 0), `vrrp_script weight '${text}' is not a number; ignored (0)`);
  if (n.args[1] === 'reverse') s.weightReverse = true;
  else if (n.args[1] !== undefined)
    warn(c, argAt(n, 1), `unknown weight option '${n.args[1]}'; ignored, as keepalived ignores it`);
}

/** vrrp_parser.c: an invalid rise or fall defaults to 1. */
function riseFall(key: 'rise' | 'fall'): Handler<VrrpScript> {
  return (n, s, c) => {
    const text = n.args[0] ?? '';
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (value >= 1 && value <= 65535) s[key] = value;
    else {
      warn(c, argAt(n, 0), `vrrp_script ${key} '${text}' is invalid: 1, as keepalived defaults it`);
      s[key] = 1;
    }
  };
}

const SCRIPT: Record<string, Handler<VrrpScript>> = {
  script: (n, s, c) => set(s, 'script', command(n, c, 'script')),
  interval: wholeSeconds('intervalS'),
  timeout: wholeSeconds('timeoutS'),
  weight: scriptWeight,
  rise: riseFall('rise'),
  fall: riseFall('fall'),
  user: (n, s, c) => set(s, 'user', scriptUserLine(n, c)),
};

/** `script_user` / `user USER [GROUP]`; an error without USER, as keepalived reports it. */
export function scriptUserLine(n: ConfigNode, c: Ctx): ScriptUserConf | undefined {
  if (str(n, c) === undefined) return undefined;
  if (n.args.length > 2)
    warn(
      c,
      argAt(n, 2),
      `'${n.keyword}': '${n.args.slice(2).join(' ')}' ignored, as keepalived ignores it`,
    );
  return scriptUser(n.args, argAt(n, 0), c);
}

export function interpretVrrpScript(node: ConfigNode, ctx: Ctx): VrrpScript {
  const s: VrrpScript = { name: str(node, ctx) ?? '', at: node.at };
  walk(node.children, SCRIPT, s, ctx, `vrrp_script ${s.name}`);
  return s;
}

/** notify, notify_master, notify_backup, notify_fault, notify_stop: shared by instances and groups. */
export function notifyHandlers<
  T extends { notify: NotifyScripts; notifyUsers: NotifyUsers },
>(): Record<string, Handler<T>> {
  const one =
    (key: keyof NotifyScripts): Handler<T> =>
    (n, t, c) => {
      set(t.notify, key, command(n, c, 'notify'));
      set(t.notifyUsers, key, notifyUser(n, c));
    };
  return {
    notify: one('any'),
    notify_master: one('master'),
    notify_backup: one('backup'),
    notify_fault: one('fault'),
    notify_stop: one('stop'),
  };
}

const SYNC_GROUP: Record<string, Handler<VrrpSyncGroup>> = {
  group: (n, g) => g.group.push(...n.args, ...(n.children ?? []).map((e) => e.keyword)),
  ...notifyHandlers<VrrpSyncGroup>(),
  smtp_alert: ignored('(e-mail alerts) is not supported by fleetlb'),
};

export function interpretSyncGroup(node: ConfigNode, ctx: Ctx): VrrpSyncGroup {
  const g: VrrpSyncGroup = {
    name: str(node, ctx) ?? '',
    group: [],
    notify: {},
    notifyUsers: {},
    at: node.at,
  };
  walk(node.children, SYNC_GROUP, g, ctx, `vrrp_sync_group ${g.name}`);
  return g;
}
