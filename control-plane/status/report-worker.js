// Entry of the status report worker thread: loads TypeScript through tsx (a runtime dependency,
// as control-plane/bin does), then the worker itself. A worker does not inherit a loader
// registered in-process, only one given with --import.
import { register } from 'tsx/esm/api';

register();
await import('./report-worker.ts');
