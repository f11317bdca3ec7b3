/**
 * Small builders for the contract tests: one compact description of instances and virtual
 * servers becomes either a site (what validateSite checks) or one director's desired-state
 * document (what validateDesiredState checks), both through the real schemas so defaults apply.
 */
import assert from 'node:assert/strict';
import {
  API_VERSION,
  addressFamily,
  DesiredState,
  RealServerSpec,
  VirtualServerSpec,
  VrrpInstanceSpec,
  validateDesiredState,
  validateSite,
  type Issue,
  type SiteModel,
} from '../../contract/index.js';

export type Json = Record<string, unknown>;

/** An expected issue: the exact path and a substring of the message. */
export interface Expected {
  path: (string | number)[];
  message: string;
}

export const DIRECTORS = [
  { name: 'lb1', address: '192.0.2.2' },
  { name: 'lb2', address: '192.0.2.3' },
];

const DEFAULT_MEMBERS = [
  { director: 'lb1', priority: 150 },
  { director: 'lb2', priority: 100 },
];

/** A VRRP instance's shared fields (no members, no director-side priority). */
export const instance = (over: Json = {}): Json => ({
  name: 'vi-web',
  vrid: 51,
  interface: 'eth0',
  vips: [{ address: '192.0.2.10' }],
  ...over,
});

export const realServer = (over: Json = {}): Json => ({
  name: 'web-1',
  address: '198.51.100.11',
  port: 8080,
  ...over,
});

/** A NAT virtual server on 192.0.2.10:80/tcp with one real server, served by every director. */
export const virtualServer = (over: Json = {}): Json => ({
  name: 'web-http',
  address: '192.0.2.10',
  port: 80,
  protocol: 'tcp',
  realServers: [realServer()],
  ...over,
});

export interface Model {
  instances?: Json[];
  virtualServers?: Json[];
  directors?: { name: string; address: string }[];
}

/** The site form: instances get two members (lb1, lb2) unless they name their own. */
export function site({
  instances = [instance()],
  virtualServers = [],
  directors = DIRECTORS,
}: Model = {}): SiteModel {
  return {
    directors,
    vrrpInstances: instances.map((i) => VrrpInstanceSpec.parse({ members: DEFAULT_MEMBERS, ...i })),
    virtualServers: virtualServers.map(({ realServers, ...vs }) => ({
      ...VirtualServerSpec.parse(vs),
      ...(Array.isArray(realServers)
        ? { realServers: realServers.map((r: unknown) => RealServerSpec.parse(r)) }
        : {}),
    })),
  };
}

/** The director form, as lb1 pulls it: priority 150, family derived from the address. */
export function desiredState({
  instances = [instance()],
  virtualServers = [],
}: Model = {}): DesiredState {
  return DesiredState.parse({
    apiVersion: API_VERSION,
    kind: 'DirectorConfig',
    site: 'ams1',
    director: { name: 'lb1', address: '192.0.2.2' },
    revision: 1,
    // The document form has no members: the director's own priority instead.
    vrrpInstances: instances.map(({ members: _members, ...i }) => ({ priority: 150, ...i })),
    virtualServers: virtualServers.map((vs) => ({
      family: addressFamily(typeof vs.address === 'string' ? vs.address : '') ?? 'ipv4',
      realServers: [],
      ...vs,
    })),
  });
}

/** Asserts exactly these issues, in order: equal paths, messages containing the given text. */
export function assertIssues(actual: Issue[], expected: Expected[]): void {
  const comparable = actual.map((issue, i) => {
    const want = expected[i]?.message;
    return {
      path: issue.path,
      message: want !== undefined && issue.message.includes(want) ? want : issue.message,
    };
  });
  assert.deepEqual(comparable, expected);
}

/** The two validators, each fed its own form of the same model. */
export const VALIDATORS = [
  { name: 'validateSite', run: (model: Model): Issue[] => validateSite(site(model)) },
  {
    name: 'validateDesiredState',
    run: (model: Model): Issue[] => validateDesiredState(desiredState(model)),
  },
] as const;
