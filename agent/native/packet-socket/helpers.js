// Paths of the two small executables binding.gyp builds beside the addon (src/guard.c,
// src/rtnl_watch.c): the agent's crash guard and its rtnetlink watcher child.
import { fileURLToPath } from 'node:url';

export const guardPath = fileURLToPath(new URL('./build/Release/fleetlb-guard', import.meta.url));
export const rtnlWatchPath = fileURLToPath(
  new URL('./build/Release/fleetlb-rtnl-watch', import.meta.url),
);
