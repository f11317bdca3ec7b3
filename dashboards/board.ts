/**
 * @module A dashboard definition: grafana-dash-gen's `Dashboard` (title, tags, time, refresh,
 * templating and annotation lists), its `Row`s holding the modern panels of panels/, and
 * `build()`, which normalises `Dashboard#generate()` to current classic dashboard JSON
 * (normalise.ts). dash-gen's rows, variables and annotations only call `generate()` on what
 * they hold, so the modern panels and Prometheus annotations ride along with one cast each.
 */
import grafana from 'grafana-dash-gen';
import type { PrometheusAnnotation } from './annotations.js';
import type { Dashboard, DashboardLink } from './grafana-types.js';
import { normaliseDashboard, type DashboardMeta } from './normalise.js';
import type { ModernPanel } from './panels/panel.js';

/**
 * A dropdown of every dashboard tagged `fleetlb`, keeping time and variables. dash-gen's
 * `ExternalLink` always makes a `link` to a URL, so this plain object goes through its `links`.
 */
const FLEETLB_DASHBOARDS: DashboardLink = {
  asDropdown: true,
  icon: 'external link',
  includeVars: true,
  keepTime: true,
  tags: ['fleetlb'],
  targetBlank: false,
  title: 'fleetlb dashboards',
  tooltip: '',
  type: 'dashboards',
};

type DashGenPanel = Parameters<InstanceType<typeof grafana.Row>['addPanel']>[0];
type DashGenAnnotation = Parameters<InstanceType<typeof grafana.Dashboard>['addAnnotation']>[0];
type DashGenLink = InstanceType<typeof grafana.ExternalLink>;
type DashGenTemplate = Parameters<InstanceType<typeof grafana.Dashboard>['addTemplate']>[0];

export class DashboardBuilder {
  private readonly dashboard: InstanceType<typeof grafana.Dashboard>;

  constructor(private readonly meta: DashboardMeta) {
    this.dashboard = new grafana.Dashboard({
      title: meta.title,
      tags: [...meta.tags],
      timezone: 'browser',
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      sharedCrosshair: true,
      links: [FLEETLB_DASHBOARDS as unknown as DashGenLink],
    });
  }

  variables(...templates: DashGenTemplate[]): this {
    for (const template of templates) this.dashboard.addTemplate(template);
    return this;
  }

  row(title: string, panels: readonly ModernPanel[]): this {
    const row = new grafana.Row({ title });
    for (const panel of panels) row.addPanel(panel as unknown as DashGenPanel);
    this.dashboard.addRow(row);
    return this;
  }

  annotation(annotation: PrometheusAnnotation): this {
    this.dashboard.addAnnotation(annotation as unknown as DashGenAnnotation);
    return this;
  }

  build(): Dashboard {
    return normaliseDashboard(this.dashboard.generate(), this.meta);
  }
}
