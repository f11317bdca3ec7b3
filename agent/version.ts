/** @module The agent's version, as status reports and `fleetlb_agent_build_info` carry it. */
export const AGENT_VERSION = '0.1.0';
