// Loads the reexec addon (src/reexec.c has the contract, reexec.d.ts the types).
import { createRequire } from 'node:module';

export const { reexec } = createRequire(import.meta.url)('./build/Release/reexec.node');
