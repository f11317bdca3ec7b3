#!/usr/bin/env node
// Runs the fleetlb operator CLI's TypeScript entry point through tsx's loader (a runtime dependency).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
