// PromQL the dashboards and alert rules are built from (pure string builders). `window` is a
// range: `$__rate_interval` on a dashboard (Grafana picks it from the scrape interval), a fixed
// duration in an alert rule.

/** `metric{matchers}`, or the bare name without matchers. */
export function series(metric: string, matchers: string): string {
  return matchers ? `${metric}{${matchers}}` : metric;
}

/** Label matchers joined, the empty ones left out. */
export function matchers(...parts: string[]): string {
  return parts.filter(Boolean).join(', ');
}

const by = (labels: readonly string[]) => (labels.length ? ` by (${labels.join(', ')})` : '');

/** Per-second rate of a counter, summed by `labels`. */
export function rate(
  metric: string,
  matchers: string,
  window: string,
  labels: readonly string[] = [],
): string {
  return `sum${by(labels)} (rate(${series(metric, matchers)}[${window}]))`;
}

/** The q-quantile of a histogram over `window`, by `labels`. */
export function quantile(
  q: number,
  histogram: string,
  matchers: string,
  window: string,
  labels: readonly string[] = [],
): string {
  return `histogram_quantile(${q}, sum by (${['le', ...labels].join(', ')}) (rate(${series(`${histogram}_bucket`, matchers)}[${window}])))`;
}

/** A gauge aggregated by `labels` (`sum`, `max`, ...). */
export function gauge(
  aggregation: 'sum' | 'max' | 'min' | 'avg',
  metric: string,
  matchers: string,
  labels: readonly string[] = [],
): string {
  return `${aggregation}${by(labels)} (${series(metric, matchers)})`;
}
