/**
 * @module Applying an nftables ruleset with the `nft` tool (Debian package nftables), in one
 * atomic transaction (`nft -f -`). Used for Accept_Mode False (core/vrrp/accept-mode.ts).
 */
import { execFile } from 'node:child_process';

/** Applies `ruleset`; rejects with nft's own message (e.g. a missing nft binary or kernel support). */
export function applyNftRuleset(ruleset: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('nft', ['-f', '-'], { timeout: timeoutMs }, (error, _out, stderr) => {
      if (!error) return resolve();
      const detail = stderr.trim() || error.message;
      reject(new Error(`nft -f - failed: ${detail}`));
    });
    child.stdin?.end(ruleset);
  });
}
