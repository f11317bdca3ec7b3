/** The crash guard executable (src/guard.c). */
export const guardPath: string;
/** The rtnetlink watcher child executable (src/rtnl_watch.c). */
export const rtnlWatchPath: string;
