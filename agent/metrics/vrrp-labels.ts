/** @module Closed label enums of the VRRP metrics and the mapping of agent values onto them. */
import type { VrrpStateName } from '../core/vrrp/machine-types.js';
import type { VrrpDropReason } from '../core/vrrp/types.js';

/** `fleetlb_vrrp_state{state}`: every value is always exported. */
export const VRRP_STATES = ['init', 'backup', 'master', 'fault'] as const;
export type VrrpMetricState = (typeof VRRP_STATES)[number];

/** `fleetlb_vrrp_transitions_total{to}`: entering `init` (instance stopped) is not counted. */
export const VRRP_TRANSITION_TARGETS = ['backup', 'master', 'fault'] as const;

/** `fleetlb_vrrp_advert_errors_total{reason}`: the catalogue's set plus `other`. */
export const ADVERT_ERROR_REASONS = [
  'auth',
  'ttl',
  'interval',
  'length',
  'address_list',
  'invalid_type',
  'other',
] as const;
export type AdvertErrorReason = (typeof ADVERT_ERROR_REASONS)[number];

/**
 * Drop reason → label. `version`/`type` are packets that are not a VRRP advert we speak
 * (`invalid_type`); `address_count` is a malformed address list; `checksum` and `vrid` (an
 * advert this instance cannot be matched to) have no catalogue value and read as `other`.
 */
const DROP_REASON_LABEL: Readonly<Record<VrrpDropReason, AdvertErrorReason>> = {
  length: 'length',
  ttl: 'ttl',
  version: 'invalid_type',
  type: 'invalid_type',
  checksum: 'other',
  address_count: 'address_list',
  interval: 'interval',
  auth: 'auth',
  vrid: 'other',
  address_list: 'address_list',
};

export function advertErrorReason(reason: VrrpDropReason): AdvertErrorReason {
  return DROP_REASON_LABEL[reason] ?? 'other';
}

export function metricState(state: VrrpStateName): VrrpMetricState {
  return state === 'initialize' ? 'init' : state;
}
