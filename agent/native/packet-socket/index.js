// Loads the compiled addon: src/packet_socket.c has the contract, index.d.ts the types.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('./build/Release/packet_socket.node');

export const { open, send, close } = addon;
