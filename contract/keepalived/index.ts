/** @module keepalived.conf support: lexer, block parser with includes, typed model, mapping to desired state. */
export * from './diagnostics.js';
export type { Token, LexedLine, LexResult } from './lexer.js';
export { lex } from './lexer.js';
export type { ConfigSource, ExpandOptions } from './expand.js';
export { DEFAULT_MAX_INCLUDE_DEPTH } from './expand.js';
export * from './parse-blocks.js';
export type * from './model.js';
export { interpretKeepalived, parseKeepalivedConf } from './interpret.js';
export type { KeepalivedParseResult } from './interpret.js';
export { toDesiredState } from './to-desired-state.js';
export type { ToDesiredStateOptions, ToDesiredStateResult } from './to-desired-state.js';
export * from './render.js';
