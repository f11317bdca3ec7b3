/** The V8 flags the agent ships with (bin/fleetlb-agent.js applies them). */
export const NODE_FLAGS: readonly string[];
