// A histogram without labels for values observed on every tick. prom-client's Histogram hashes
// a label set and makes a closure on each observe, which cost the tick loop more than the rest
// of the runner's per-tick bookkeeping; this one counts into an array and renders the same
// Prometheus series (cumulative `_bucket{le}` with `+Inf`, `_sum`, `_count`) when scraped. It
// registers itself as a prom-client metric.
import type { Metric, MetricValueWithName, Registry } from 'prom-client';

/** What prom-client's registry reads from a metric when it renders it. */
export interface RenderedMetric {
  name: string;
  help: string;
  type: 'histogram';
  values: MetricValueWithName<string>[];
  aggregator: 'sum';
}

export interface TickHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

export class TickHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly labelNames: string[] = [];
  readonly aggregator = 'sum';
  readonly #bounds: Float64Array;
  /** Observations per bucket (not cumulative); the last one is above every bound. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(o: TickHistogramOptions) {
    this.name = o.name;
    this.help = o.help;
    this.#bounds = Float64Array.from(o.buckets);
    this.#counts = new Float64Array(o.buckets.length + 1);
    for (const r of o.registers) r.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.#counts[i] as number)++;
    this.#sum += value;
    this.#count++;
  }

  /** The series as prom-client renders them. */
  get(): RenderedMetric {
    const values: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    const bucket = `${this.name}_bucket`;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#counts[i] as number;
      values.push({
        labels: { le: this.#bounds[i] as number },
        value: cumulative,
        metricName: bucket,
      });
    }
    values.push({ labels: { le: '+Inf' }, value: this.#count, metricName: bucket });
    values.push({ labels: {}, value: this.#sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.#count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }

  reset(): void {
    this.#counts.fill(0);
    this.#sum = 0;
    this.#count = 0;
  }
}
