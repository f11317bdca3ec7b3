/**
 * @module Label selectors, Kubernetes syntax: `app=web,version!=v1,tier in (a,b),env notin (x),
 * canary,!legacy`. Used by the API's list filters and deploy operations and by the CLI.
 */

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export type Selector = Requirement[];

const KEY = '[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?';
const VALUE = '([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?';
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

/** Splits on commas outside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((t) => t.trim());
}

/**
 * Parses a selector; throws an Error naming the bad term.
 * @example parseSelector('app=web,version!=v1')
 */
export function parseSelector(text: string): Selector {
  if (text.trim() === '') return [];
  return terms(text).map((term): Requirement => {
    let m = EQUALITY.exec(term);
    if (m?.[1] !== undefined) {
      const value = m[4] ?? '';
      return { key: m[1], op: m[3] === '!=' ? 'notin' : 'in', values: [value] };
    }
    m = SET.exec(term);
    if (m?.[1] !== undefined && m[4] !== undefined) {
      const values = m[4].split(',').map((v) => v.trim());
      if (values.some((v) => !new RegExp(`^${VALUE}$`).test(v)))
        throw new Error(`invalid value in selector term "${term}"`);
      return { key: m[1], op: m[3] as 'in' | 'notin', values };
    }
    m = EXISTS.exec(term);
    if (m?.[2] !== undefined) return { key: m[2], op: m[1] === '!' ? '!exists' : 'exists' };
    throw new Error(`invalid selector term "${term}"`);
  });
}

/** True when the labels satisfy every requirement. */
export function matchesSelector(selector: Selector, labels: Record<string, string>): boolean {
  return selector.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key] ?? '');
      case 'notin':
        return !has || !r.values.includes(labels[r.key] ?? '');
    }
  });
}
