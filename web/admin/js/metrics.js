// Reading `/metrics` (Prometheus text format 0.0.4): the samples, the publish latency
// histogram, and quantiles of what was observed between two scrapes.

/** Map of series (`name` or `name{labels}`) → number. */
export function parseMetrics(text) {
  const samples = new Map();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    if (space < 0) continue;
    const value = Number(line.slice(space + 1));
    if (!Number.isNaN(value)) samples.set(line.slice(0, space).trim(), value);
  }
  return samples;
}

/** {buckets: [{le, count}] sorted by bound (+Inf last), sum, count} or null. */
export function readHistogram(samples, name) {
  const buckets = [];
  const prefix = `${name}_bucket{le="`;
  for (const [series, value] of samples) {
    if (!series.startsWith(prefix)) continue;
    const bound = series.slice(prefix.length, series.indexOf('"', prefix.length));
    buckets.push({ le: bound === "+Inf" ? Infinity : Number(bound), count: value });
  }
  if (!buckets.length) return null;
  buckets.sort((a, b) => a.le - b.le);
  return { buckets, sum: samples.get(`${name}_sum`) ?? 0, count: samples.get(`${name}_count`) ?? 0 };
}

/**
 * The histogram of the observations between `before` and `after` (bucket by bucket),
 * or null when there were none or the counters went back (a restart, another instance).
 */
export function histogramDelta(before, after) {
  if (!before || !after || before.buckets.length !== after.buckets.length) return null;
  const count = after.count - before.count;
  if (count <= 0) return null;
  const buckets = [];
  for (let i = 0; i < after.buckets.length; i += 1) {
    const delta = after.buckets[i].count - before.buckets[i].count;
    if (after.buckets[i].le !== before.buckets[i].le || delta < 0) return null;
    buckets.push({ le: after.buckets[i].le, count: delta });
  }
  return { buckets, sum: after.sum - before.sum, count };
}

/**
 * The q-quantile (0…1) of a cumulative histogram, interpolating linearly inside the
 * bucket that holds it, as Prometheus' histogram_quantile does. A quantile in the
 * +Inf bucket is reported as the highest finite bound.
 */
export function quantile(histogram, q) {
  if (!histogram || histogram.count <= 0) return null;
  const rank = q * histogram.count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of histogram.buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      const inBucket = count - lowerCount;
      if (inBucket <= 0) return le;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    if (le !== Infinity) lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

export const LATENCY = "stockpush_publish_latency_seconds";

/** The legs of a quote's way, first to last, as /metrics names their histograms. */
export const LEGS = [
  { key: "leg_source", label: "source → Redis", metric: "stockpush_source_to_ingest_seconds" },
  { key: "leg_ingest", label: "Redis → publish", metric: "stockpush_ingest_to_publish_seconds" },
  { key: "leg_write", label: "publish → socket", metric: LATENCY },
];

/** What one scrape gives the charts: the latency histogram and the connection gauge. */
export function readScrape(text) {
  const samples = parseMetrics(text);
  let instance = null;
  for (const series of samples.keys()) {
    const match = /^stockpush_instance_info\{instance="((?:[^"\\]|\\.)*)"\}$/.exec(series);
    if (match) instance = match[1].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
  }
  const latency = readHistogram(samples, LATENCY);
  return {
    instance,
    latency,
    // The last leg is the publish latency itself: read once.
    legs: Object.fromEntries(LEGS.map((leg) => [leg.key, leg.metric === LATENCY ? latency : readHistogram(samples, leg.metric)])),
    connections: samples.get("stockpush_connections") ?? null,
    messages: samples.get("stockpush_messages_sent_total") ?? null,
  };
}

/** {p50, p99, mean} in seconds of the ticks published between two scrapes of one instance, or null. */
export function latencyBetween(before, after) {
  // Two scrapes answered by different instances (behind a balancer) cannot be subtracted.
  if (before?.instance !== after?.instance) return null;
  const delta = histogramDelta(before?.latency, after?.latency);
  if (!delta) return null;
  return { p50: quantile(delta, 0.5), p99: quantile(delta, 0.99), mean: delta.sum / delta.count, count: delta.count };
}

/** {leg_source, leg_ingest, leg_write}: each leg's p99 in seconds between two scrapes of
 * one instance (a leg with nothing observed in between is left out), or null. */
export function legsBetween(before, after) {
  if (before?.instance !== after?.instance) return null;
  const result = {};
  for (const { key } of LEGS) {
    const delta = histogramDelta(before?.legs?.[key], after?.legs?.[key]);
    if (delta) result[key] = quantile(delta, 0.99);
  }
  return result;
}
