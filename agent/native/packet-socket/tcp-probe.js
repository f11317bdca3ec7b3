// Loads the TCP connect probe addon: src/tcp_probe.c has the contract, tcp-probe.d.ts the types.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('./build/Release/tcp_probe.node');

export const { start, cancel } = addon;
