/**
 * @module Dashboard annotations. grafana-dash-gen only has Graphite annotations (a `target`
 * string is required), so Prometheus ones are built here: an object with `generate()` that
 * dash-gen's `Dashboard#addAnnotation` stores like its own. Grafana's built-in annotation
 * (alerts and manual notes) is always first.
 */
import type { AnnotationQuery } from './grafana-types.js';
import { PROMETHEUS } from './promql.js';

export const BUILT_IN_ANNOTATION: AnnotationQuery = {
  builtIn: 1,
  datasource: { type: 'grafana', uid: '-- Grafana --' },
  enable: true,
  hide: true,
  iconColor: 'rgba(0, 211, 255, 1)',
  name: 'Annotations & Alerts',
  type: 'dashboard',
};

export interface PrometheusAnnotationSpec {
  name: string;
  /** A query whose samples mark events; consecutive steps with a value become one region. */
  expr: string;
  step: string;
  iconColor: string;
  titleFormat: string;
  textFormat: string;
  /** Labels shown as tags, comma separated. */
  tagKeys: string;
}

export class PrometheusAnnotation {
  constructor(private readonly spec: PrometheusAnnotationSpec) {}

  get expr(): string {
    return this.spec.expr;
  }

  generate(): AnnotationQuery {
    const s = this.spec;
    return {
      datasource: PROMETHEUS,
      enable: true,
      iconColor: s.iconColor,
      name: s.name,
      step: s.step,
      tagKeys: s.tagKeys,
      target: { expr: s.expr, interval: s.step, refId: 'Anno' },
      textFormat: s.textFormat,
      titleFormat: s.titleFormat,
      useValueForTime: false,
    };
  }
}
