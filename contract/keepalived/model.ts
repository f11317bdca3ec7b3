/** @module The typed keepalived.conf model: what the interpreters build from the node tree. */
import type { SourcePosition } from './diagnostics.js';

export interface GlobalDefs {
  routerId?: string;
  enableScriptSecurity: boolean;
  vrrpStrict: boolean;
  /** Global default for every instance's VRRP version (`vrrp_version`). */
  vrrpVersion?: 2 | 3;
  vrrpGarpMasterDelayS?: number;
  vrrpGarpMasterRepeat?: number;
  vrrpGarpMasterRefreshS?: number;
  vrrpGarpLowerPrioDelayS?: number;
  vrrpGarpLowerPrioRepeat?: number;
  vrrpGarpIntervalS?: number;
  notificationEmails: string[];
  notificationEmailFrom?: string;
  smtpServer?: string;
  smtpConnectTimeoutS?: number;
  /** `script_user USER [GROUP]` (global_parser.c script_user_handler()). */
  scriptUser?: ScriptUserConf;
  netNamespace?: string;
  lvsSyncDaemon?: string[];
  /** Where `lvs_sync_daemon` is written (lvs-sync-daemon.ts places its warnings there). */
  lvsSyncDaemonAt?: SourcePosition;
}

/** A script's program and arguments, split as keepalived splits them (script-words.ts). */
export type CommandWords = string[];

/** `USER [GROUP]` a script runs as (core/notify.c set_script_uid_gid()). */
export interface ScriptUserConf {
  user: string;
  group?: string;
  at: SourcePosition;
}

/** `track_file NAME { file PATH; weight W [reverse]; init_file [VALUE] [overwrite] }`. */
export interface TrackFileConf {
  name: string;
  file?: string;
  /** keepalived's default is 1 (track_file.c track_file_handler()). */
  weight: number;
  reverse: boolean;
  init?: { value: number; overwrite: boolean };
  at: SourcePosition;
}

/** An instance's (or FILE_CHECK's) `track_file` entry: `NAME [weight W [reverse|noreverse]]`. */
export interface TrackFileRef {
  name: string;
  weight?: number;
  reverse?: boolean;
  at: SourcePosition;
}

export interface VrrpScript {
  name: string;
  script?: CommandWords;
  intervalS?: number;
  timeoutS?: number;
  weight?: number;
  /** `weight W reverse`: the adjustment applies the other way round. */
  weightReverse?: boolean;
  rise?: number;
  fall?: number;
  user?: ScriptUserConf;
  at: SourcePosition;
}

/** `ADDR[/PLEN] [dev X] [label Y] [brd Z] [scope W]`. */
export interface VirtualAddress {
  address: string;
  prefixLength?: number;
  dev?: string;
  label?: string;
  broadcast?: string;
  scope?: string;
  at: SourcePosition;
}

export interface WeightedTrack {
  name: string;
  weight?: number;
}

export interface NotifyScripts {
  master?: CommandWords;
  backup?: CommandWords;
  fault?: CommandWords;
  stop?: CommandWords;
  any?: CommandWords;
}

/** The `USER [GROUP]` after a notify line's command (core/notify.c notify_script_init()). */
export type NotifyUsers = Partial<Record<keyof NotifyScripts, ScriptUserConf>>;

export interface VrrpInstanceConf {
  name: string;
  state?: 'MASTER' | 'BACKUP';
  interface?: string;
  virtualRouterId?: number;
  priority?: number;
  advertIntervalCs?: number;
  /** The instance's own `version`, else global `vrrp_version`, else keepalived's default 2. */
  version: 2 | 3;
  nopreempt: boolean;
  preemptDelayS?: number;
  /** `NONE`: the block without a valid auth_type (keepalived sends no authentication). */
  authentication?: { type: 'PASS' | 'AH' | 'NONE'; password?: string };
  virtualIpaddress: VirtualAddress[];
  virtualIpaddressExcluded: VirtualAddress[];
  unicastSrcIp?: string;
  unicastPeers: string[];
  trackInterfaces: WeightedTrack[];
  trackScripts: WeightedTrack[];
  trackFiles: TrackFileRef[];
  notify: NotifyScripts;
  notifyUsers: NotifyUsers;
  garpMasterDelayS?: number;
  garpMasterRepeat?: number;
  garpMasterRefreshS?: number;
  accept?: boolean;
  useVmac: boolean;
  at: SourcePosition;
}

export interface VrrpSyncGroup {
  name: string;
  group: string[];
  notify: NotifyScripts;
  notifyUsers: NotifyUsers;
  at: SourcePosition;
}

export interface HttpUrl {
  path?: string;
  digest?: string;
  statusCodes: number[];
  /** The url's own `virtualhost` (check_http.c url_virtualhost_handler()). */
  virtualhost?: string;
  regex?: string;
  regexNoMatch: boolean;
  at: SourcePosition;
}

export type CheckerType =
  | 'HTTP_GET'
  | 'SSL_GET'
  | 'TCP_CHECK'
  | 'MISC_CHECK'
  | 'DNS_CHECK'
  | 'UDP_CHECK'
  | 'SMTP_CHECK'
  | 'PING_CHECK'
  | 'FILE_CHECK';

export interface Checker {
  type: CheckerType;
  connectTimeoutS?: number;
  connectPort?: number;
  connectIp?: string;
  bindto?: string;
  retry?: number;
  delayBeforeRetryS?: number;
  delayLoopS?: number;
  virtualhost?: string;
  urls: HttpUrl[];
  miscPath?: CommandWords;
  miscTimeoutS?: number;
  miscDynamic: boolean;
  /** MISC_CHECK `user USER [GROUP]` (check_misc.c misc_user_handler()). */
  miscUser?: ScriptUserConf;
  dnsType?: string;
  dnsName?: string;
  heloName?: string;
  /** FILE_CHECK `track_file NAME` (one defined before it) and `weight W [reverse|noreverse]`. */
  trackFile?: string;
  fileWeight?: number;
  fileReverse?: boolean;
  at: SourcePosition;
}

export interface RealServerConf {
  address: string;
  port?: number;
  weight?: number;
  inhibitOnFailure: boolean;
  notifyUp?: CommandWords;
  /** The `USER [GROUP]` after notify_up / notify_down. */
  notifyUsers?: { up?: ScriptUserConf; down?: ScriptUserConf };
  notifyDown?: CommandWords;
  uthreshold?: number;
  lthreshold?: number;
  /** Checker defaults at real-server level (check_parser.c rs_retry_handler() and friends). */
  retry?: number;
  delayBeforeRetryS?: number;
  delayLoopS?: number;
  checkers: Checker[];
  at: SourcePosition;
}

export type VirtualServerKey =
  | { kind: 'address'; address: string; port: number }
  | { kind: 'fwmark'; fwmark: number }
  | { kind: 'group'; group: string };

export interface VirtualServerConf {
  key: VirtualServerKey;
  delayLoopS?: number;
  /** Checker defaults at virtual-server level (check_parser.c vs_retry_handler() and friends). */
  retry?: number;
  delayBeforeRetryS?: number;
  lbAlgo?: string;
  lbKind?: 'NAT' | 'DR' | 'TUN';
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  persistenceTimeoutS?: number;
  persistenceGranularity?: string;
  quorum?: number;
  hysteresis?: number;
  quorumUp?: CommandWords;
  /** The `USER [GROUP]` after quorum_up / quorum_down. */
  quorumUsers?: { up?: ScriptUserConf; down?: ScriptUserConf };
  quorumDown?: CommandWords;
  sorryServer?: { address: string; port?: number };
  inhibitOnFailure: boolean;
  alpha: boolean;
  omega: boolean;
  virtualhost?: string;
  realServers: RealServerConf[];
  at: SourcePosition;
}

export type VirtualServerGroupEntry =
  | { kind: 'address'; address: string; port: number }
  | { kind: 'range'; first: string; last: string; port: number }
  | { kind: 'fwmark'; fwmark: number };

export interface VirtualServerGroupConf {
  name: string;
  entries: VirtualServerGroupEntry[];
  at: SourcePosition;
}

export interface KeepalivedConfig {
  globalDefs: GlobalDefs;
  vrrpScripts: VrrpScript[];
  trackFiles: TrackFileConf[];
  vrrpInstances: VrrpInstanceConf[];
  vrrpSyncGroups: VrrpSyncGroup[];
  virtualServerGroups: VirtualServerGroupConf[];
  virtualServers: VirtualServerConf[];
}
