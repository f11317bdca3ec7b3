// The V8 flags the agent ships with; bin/fleetlb-agent.js applies them (bench/README.md,
// footprint, has the figures and what they cost).
//   --max-semi-space-size=1  a 1 MiB young generation
//   --single-threaded        no V8 helper threads (GC, compiler)
//   --lite-mode              no optimising compiler, and a heap that grows conservatively: the
//                            largest saving, at scale above all (startup with 10,000 checks)
//   --no-expose-wasm         lite mode turns it off anyway, with a warning on stderr otherwise
export const NODE_FLAGS = Object.freeze([
  '--max-semi-space-size=1',
  '--single-threaded',
  '--lite-mode',
  '--no-expose-wasm',
]);
