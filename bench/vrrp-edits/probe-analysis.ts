/**
 * @module What a continuous ARP probe of the VIP saw (pure). Each who-has from the observer
 * carries its own sender address, cycling through a range, and a reply is addressed to the
 * sender of the request it answers (RFC 826), so every reply names its request exactly. A
 * request answered by no director is a lost probe interval (nobody held the VIP); one answered
 * by two is a dual answer (both held it).
 */

export interface ProbeRequest {
  wallMs: number;
  /** The request's sender protocol address. */
  sender: string;
}

export interface ProbeReply {
  wallMs: number;
  director: string;
  /** The reply's target protocol address: the sender of the request it answers. */
  target: string;
}

export interface ProbeOutcome {
  requests: number;
  lost: number;
  dual: number;
  /** Wall times of the lost and dual requests (for the JSON). */
  lostAtMs: number[];
  dualAtMs: number[];
}

/** A reply later than this after a request does not answer it. */
export const REPLY_WINDOW_MS = 200;

/** Requests sent in [fromMs, toMs) and who answered each. */
export function analyseProbes(
  requests: readonly ProbeRequest[],
  replies: readonly ProbeReply[],
  fromMs: number,
  toMs: number,
): ProbeOutcome {
  const sent = requests.filter((r) => r.wallMs >= fromMs && r.wallMs < toMs);
  const answeredBy = sent.map(() => new Set<string>());
  for (const reply of replies) {
    const index = sent.findLastIndex((r) => r.sender === reply.target && r.wallMs <= reply.wallMs);
    if (index < 0 || reply.wallMs - sent[index]!.wallMs > REPLY_WINDOW_MS) continue;
    answeredBy[index]!.add(reply.director);
  }
  const lostAtMs = sent.filter((_, i) => answeredBy[i]!.size === 0).map((r) => r.wallMs);
  const dualAtMs = sent.filter((_, i) => answeredBy[i]!.size > 1).map((r) => r.wallMs);
  return {
    requests: sent.length,
    lost: lostAtMs.length,
    dual: dualAtMs.length,
    lostAtMs,
    dualAtMs,
  };
}
