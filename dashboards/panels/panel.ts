/**
 * @module The part every modern panel shares: a panel object grafana-dash-gen's `Row` can hold
 * (it only calls `generate()` on what it holds), Prometheus targets with `expr`, and field
 * config helpers (thresholds, value mappings for enum-coded states).
 */
import type {
  FieldConfig,
  FieldOverride,
  Panel,
  PrometheusTarget,
  Threshold,
  ThresholdsConfig,
  ValueMapping,
} from '../grafana-types.js';
import { PROMETHEUS } from '../promql.js';

/** One query of a panel. `instant` for tables/bar gauges of the current value. */
export interface Query {
  expr: string;
  legend?: string;
  instant?: boolean;
  format?: PrometheusTarget['format'];
}

/** What every builder takes. `width` is in grid columns (of 24), `height` in grid rows. */
export interface PanelSpec {
  title: string;
  description: string;
  queries: readonly Query[];
  width: number;
  height: number;
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: ThresholdsConfig;
  mappings?: ValueMapping[];
  overrides?: FieldOverride[];
}

/** A built panel; `generate()` returns a fresh copy, positioned later by the layout. */
export class ModernPanel {
  constructor(private readonly panel: Panel) {}

  generate(): Panel {
    return structuredClone(this.panel);
  }

  /** A copy with `extra` panel properties (e.g. transformations). */
  with(extra: Partial<Panel>): ModernPanel {
    return new ModernPanel({ ...this.panel, ...extra });
  }
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function targets(queries: readonly Query[]): PrometheusTarget[] {
  return queries.map((q, i) => ({
    datasource: PROMETHEUS,
    editorMode: 'code',
    expr: q.expr,
    format: q.format ?? (q.instant === true ? 'table' : 'time_series'),
    instant: q.instant === true,
    legendFormat: q.legend ?? '__auto',
    range: q.instant !== true,
    refId: REF_IDS[i] ?? `Q${i}`,
  }));
}

/** The panel skeleton: type, texts, datasource, size, targets and field defaults. */
export function basePanel(
  type: string,
  spec: PanelSpec,
  custom: Record<string, unknown>,
  options: Record<string, unknown>,
  defaults: FieldConfig = {},
): ModernPanel {
  const fieldDefaults: FieldConfig = {
    color: { mode: 'palette-classic' },
    custom,
    mappings: spec.mappings ?? [],
    thresholds: spec.thresholds ?? thresholds('green'),
    ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    ...(spec.min === undefined ? {} : { min: spec.min }),
    ...(spec.max === undefined ? {} : { max: spec.max }),
    ...(spec.decimals === undefined ? {} : { decimals: spec.decimals }),
    ...defaults,
  };
  return new ModernPanel({
    type,
    title: spec.title,
    description: spec.description,
    datasource: PROMETHEUS,
    gridPos: { h: spec.height, w: spec.width, x: 0, y: 0 },
    targets: targets(spec.queries),
    fieldConfig: { defaults: fieldDefaults, overrides: spec.overrides ?? [] },
    options,
  });
}

/** `thresholds('red', [1, 'green'], [2, 'red'])`: the base colour, then steps from a value up. */
export function thresholds(
  base: string,
  ...steps: (readonly [number, string])[]
): ThresholdsConfig {
  const out: Threshold[] = [{ value: null, color: base }];
  for (const [value, color] of steps) out.push({ value, color });
  return { mode: 'absolute', steps: out };
}

/** A closed enum coded 0, 1, 2… (promql.stateCode): one text and colour per code. */
export interface StateStyle {
  text: string;
  color: string;
}

export function stateMappings(states: readonly StateStyle[]): ValueMapping[] {
  const options: Record<string, { text: string; color: string; index: number }> = {};
  states.forEach((s, index) => (options[String(index)] = { text: s.text, color: s.color, index }));
  return [{ type: 'value', options }];
}

export const HIDE_FROM = { legend: false, tooltip: false, viz: false };

export const LEGEND_LIST = {
  calcs: [],
  displayMode: 'list',
  placement: 'bottom',
  showLegend: true,
};

export const LEGEND_TABLE = {
  calcs: ['lastNotNull', 'max'],
  displayMode: 'table',
  placement: 'right',
  showLegend: true,
};
