import type { INestApplication } from '@nestjs/common';
import { MetricsServer } from '../../src/metrics/metrics-server.js';

type Labels = Record<string, string>;

/** One scrape of a Prometheus text exposition: `value(name, labels)` sums the samples matching the labels. */
export class Scrape {
  private readonly samples: Array<{ name: string; labels: Labels; value: number }> = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) continue;
      const labels: Labels = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[key] = value;
      this.samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
  }

  /** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
  value(name: string, labels: Labels = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** The metric families announced with `# TYPE`. */
  families(): string[] {
    return [...this.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
  }
}

/** The metrics listener's URL of an in-process BFF (config/test.yaml gives it a free port). */
export function metricsUrl(app: INestApplication): string {
  const url = app.get(MetricsServer).url;
  if (!url) throw new Error('the metrics listener is not running');
  return `${url}/metrics`;
}

export async function scrape(app: INestApplication): Promise<Scrape> {
  const res = await fetch(metricsUrl(app));
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return new Scrape(await res.text());
}
