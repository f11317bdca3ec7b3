#!/usr/bin/env -S node --max-semi-space-size=1
// Runs the TypeScript entry point through tsx's loader (a runtime dependency). The V8 flag is the
// one `npm start` gives (package.json): 1 MiB semi-spaces keep the young generation, and so the
// RSS, small (README, "Memory"); it must be on the command line, V8 sizes its heap at start.
import { register } from 'tsx/esm/api';

register();
await import('../main.ts');
