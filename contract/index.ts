/** @module The wire contract shared by the control plane and the agent. */
export * from './common.js';
export * from './ip.js';
export * from './health-check.js';
export * from './vrrp-instance.js';
export * from './virtual-server.js';
export * from './site.js';
export * from './desired-state.js';
export * from './agent-status.js';
export * from './validate.js';
export * from './selector.js';
export * from './unknown-fields.js';
export * from './address-use.js';
export * from './keepalived/index.js';
export * from './vrrp-identity.js';
export * from './apply.js';
export * from './ipvs-sync.js';
