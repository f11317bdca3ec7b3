/**
 * @module Prometheus in the end-to-end lab, INSIDE the VM: the host's `prometheus` binary with
 * the shipped scrape configuration (deploy/prometheus/prometheus.yml: the control plane, and the
 * agents found through the control plane's HTTP service discovery) and alert rules, scraping
 * every second; and instant queries through its HTTP API.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse, stringify } from 'yaml';
import { children } from './processes.js';
import { CP_ADDRESS } from './site-lab.js';

const DIR = '/tmp/e2e/prometheus';
const LISTEN = '127.0.0.1:9090';
const DEPLOY = new URL('../../../../deploy/prometheus/', import.meta.url).pathname;

interface ScrapeConfig {
  job_name: string;
  static_configs?: { targets: string[] }[];
  http_sd_configs?: {
    url: string;
    refresh_interval?: string;
    authorization?: { credentials_file?: string };
  }[];
}

/** The shipped configuration, pointed at this lab and made fast. */
function labConfig(): string {
  const config = parse(readFileSync(`${DEPLOY}prometheus.yml`, 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  // Fast, but a scrape may take its whole interval: under emulation a busy agent's /metrics has
  // taken over a second, and a failed scrape makes every series of that target stale at once.
  config.global = {
    ...config.global,
    scrape_interval: '2s',
    scrape_timeout: '2s',
    evaluation_interval: '2s',
  };
  config.rule_files = config.rule_files.map((f) => `${DEPLOY}${f}`);
  for (const job of config.scrape_configs) {
    for (const s of job.static_configs ?? []) s.targets = [`${CP_ADDRESS}:8080`];
    for (const sd of job.http_sd_configs ?? []) {
      sd.url = sd.url.replace(/^http:\/\/[^/]+/, `http://${CP_ADDRESS}:8080`);
      sd.refresh_interval = '2s';
      if (sd.authorization) sd.authorization.credentials_file = `${DIR}/sd-token`;
    }
  }
  return stringify(config);
}

export async function startPrometheus(token: string): Promise<{ log: string[] }> {
  mkdirSync(`${DIR}/data`, { recursive: true });
  writeFileSync(`${DIR}/sd-token`, `${token}\n`);
  writeFileSync(`${DIR}/prometheus.yml`, labConfig());
  const child = spawn(
    'prometheus',
    [
      `--config.file=${DIR}/prometheus.yml`,
      `--storage.tsdb.path=${DIR}/data`,
      `--web.listen-address=${LISTEN}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const log: string[] = [];
  for (const s of [child.stdout!, child.stderr!]) {
    createInterface({ input: s }).on('line', (l) => log.push(l));
  }
  const deadline = Date.now() + 120_000;
  while (
    !(await fetch(`http://${LISTEN}/-/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`prometheus did not start:\n${log.slice(-20).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { log };
}

export interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** An instant query through the HTTP API. */
export async function query(expr: string): Promise<QueryResult> {
  const url = new URL(`http://${LISTEN}/api/v1/query`);
  url.searchParams.set('query', expr);
  return (await (await fetch(url)).json()) as QueryResult;
}
