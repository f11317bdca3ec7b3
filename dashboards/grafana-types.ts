/**
 * @module The subset of Grafana's classic dashboard model the builders emit, with the names and
 * shapes of `@grafana/schema` 13.2.3 (`Dashboard`, `Panel`, `RowPanel`, `FieldConfigSource`,
 * `ThresholdsConfig`, `ValueMapping`, `VariableModel`, `AnnotationQuery`, `DashboardLink`…).
 * Defined here so the project does not need that package. Each type was checked assignable to
 * its namesake there, reading the schema's string enums (`MappingType`, `ThresholdsMode`,
 * `FieldColorModeId`) as their literal values: TS string enums are nominal, and JSON holds the
 * literals. Enums are plain unions plus constant objects here for the same reason.
 */

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export const ThresholdsMode = { Absolute: 'absolute', Percentage: 'percentage' } as const;
export type ThresholdsMode = (typeof ThresholdsMode)[keyof typeof ThresholdsMode];

export interface Threshold {
  color: string;
  /** `null` is the base step (-Infinity). */
  value: number | null;
}

export interface ThresholdsConfig {
  mode: ThresholdsMode;
  steps: Threshold[];
}

export interface ValueMappingResult {
  color?: string;
  index?: number;
  text?: string;
}

export interface ValueMap {
  type: 'value';
  options: Record<string, ValueMappingResult>;
}

export interface RangeMap {
  type: 'range';
  options: { from: number | null; to: number | null; result: ValueMappingResult };
}

export interface SpecialValueMap {
  type: 'special';
  options: { match: 'null' | 'nan' | 'null+nan' | 'empty'; result: ValueMappingResult };
}

export type ValueMapping = ValueMap | RangeMap | SpecialValueMap;

export interface FieldColor {
  mode: 'thresholds' | 'palette-classic' | 'fixed' | 'continuous-GrYlRd' | 'shades';
  fixedColor?: string;
}

export interface FieldConfig {
  color?: FieldColor;
  custom?: Record<string, unknown>;
  decimals?: number;
  displayName?: string;
  mappings?: ValueMapping[];
  max?: number;
  min?: number;
  noValue?: string;
  thresholds?: ThresholdsConfig;
  unit?: string;
}

export interface MatcherConfig {
  id: string;
  options?: unknown;
}

export interface FieldOverride {
  matcher: MatcherConfig;
  properties: { id: string; value?: unknown }[];
}

export interface FieldConfigSource {
  defaults: FieldConfig;
  overrides: FieldOverride[];
}

export interface DataTransformerConfig {
  id: string;
  options: unknown;
}

/**
 * A Prometheus query of a panel. A type alias, not an interface, so it is assignable to the open
 * records `@grafana/schema` types `Panel.targets` with.
 */
export type PrometheusTarget = {
  datasource: DataSourceRef;
  editorMode: 'code';
  expr: string;
  format: 'time_series' | 'table' | 'heatmap';
  instant: boolean;
  legendFormat: string;
  range: boolean;
  refId: string;
};

export interface Panel {
  datasource?: DataSourceRef;
  description?: string;
  fieldConfig?: FieldConfigSource;
  gridPos?: GridPos;
  id?: number;
  interval?: string;
  maxDataPoints?: number;
  options?: Record<string, unknown>;
  targets?: PrometheusTarget[];
  title?: string;
  transformations?: DataTransformerConfig[];
  type: string;
}

export interface RowPanel {
  collapsed: boolean;
  gridPos?: GridPos;
  id: number;
  panels: Panel[];
  title?: string;
  type: 'row';
}

export const VariableRefresh = { never: 0, onDashboardLoad: 1, onTimeRangeChanged: 2 } as const;
export type VariableRefresh = (typeof VariableRefresh)[keyof typeof VariableRefresh];

export const VariableSort = { disabled: 0, alphabeticalAsc: 1, naturalAsc: 7 } as const;
export type VariableSort = (typeof VariableSort)[keyof typeof VariableSort];

export const VariableHide = { dontHide: 0, hideLabel: 1, hideVariable: 2 } as const;
export type VariableHide = (typeof VariableHide)[keyof typeof VariableHide];

export interface VariableOption {
  selected?: boolean;
  text: string | string[];
  value: string | string[];
}

export interface VariableModel {
  allValue?: string;
  current?: VariableOption;
  datasource?: DataSourceRef | null;
  definition?: string;
  description?: string;
  hide?: VariableHide;
  includeAll?: boolean;
  label?: string;
  multi?: boolean;
  name: string;
  options?: VariableOption[];
  query?: string;
  refresh?: VariableRefresh;
  regex?: string;
  sort?: VariableSort;
  type: 'query' | 'datasource' | 'custom' | 'constant';
}

/** Grafana's built-in annotation or a Prometheus one (`target` holds the query). */
export interface AnnotationQuery {
  builtIn?: number;
  datasource: DataSourceRef;
  enable: boolean;
  hide?: boolean;
  iconColor: string;
  name: string;
  type?: string;
  target?: { expr: string; interval: string; refId: string };
  /** Prometheus annotation options, read from the annotation itself by the datasource. */
  step?: string;
  tagKeys?: string;
  textFormat?: string;
  titleFormat?: string;
  useValueForTime?: boolean;
}

export interface DashboardLink {
  asDropdown: boolean;
  icon: string;
  includeVars: boolean;
  keepTime: boolean;
  tags: string[];
  targetBlank: boolean;
  title: string;
  tooltip: string;
  type: 'link' | 'dashboards';
  url?: string;
}

export interface Dashboard {
  annotations: { list: AnnotationQuery[] };
  description?: string;
  editable: boolean;
  fiscalYearStartMonth: number;
  /** DashboardCursorSync: 0 off, 1 shared crosshair, 2 shared tooltip. */
  graphTooltip: 0 | 1 | 2;
  id: null;
  links: DashboardLink[];
  panels: (Panel | RowPanel)[];
  refresh: string;
  schemaVersion: number;
  tags: string[];
  templating: { list: VariableModel[] };
  time: { from: string; to: string };
  timepicker: Record<string, unknown>;
  timezone: string;
  title: string;
  uid: string;
  version: number;
  weekStart: string;
}
