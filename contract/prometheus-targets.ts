/**
 * @module `GET /v1/prometheus/targets`: Prometheus HTTP service discovery, one target group per
 * director with a `metricsAddress`, in the http_sd format
 * (https://prometheus.io/docs/prometheus/latest/http_sd/).
 */
import { z } from 'zod';

export const PrometheusTargetGroup = z
  .object({
    targets: z.array(z.string()).meta({ description: "The agent's metrics address (host:port)" }),
    labels: z.record(z.string(), z.string()),
  })
  .meta({ id: 'PrometheusTargetGroup' });
export type PrometheusTargetGroup = z.output<typeof PrometheusTargetGroup>;
