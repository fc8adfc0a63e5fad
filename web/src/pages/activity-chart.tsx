import { useChartWidth } from '../ui/chart-width.ts';
import type { ActivityEvent } from '../types.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const H = 180;

const PAD = { left: 36, right: 8, top: 12, bottom: 28 };

type Bucket = { start: number; counts: Map<string, number>; total: number };

function buckets(reads: ActivityEvent[], now: number): { size: number; list: Bucket[]; unit: string } {
  const oldest = Math.min(...reads.map((e) => e.ts), now);
  const span = now - oldest;
  const [size, n, unit] =
    span <= DAY
      ? [HOUR, 24, 'hour']
      : span <= 30 * DAY
        ? [DAY, Math.max(7, Math.ceil(span / DAY)), 'day']
        : [7 * DAY, Math.min(26, Math.ceil(span / (7 * DAY))), 'week'];
  const end = Math.ceil((now + 1) / size) * size;
  const list: Bucket[] = Array.from({ length: n }, (_, i) => ({ start: end - (n - i) * size, counts: new Map(), total: 0 }));
  for (const e of reads) {
    const i = Math.floor((e.ts - list[0]!.start) / size);
    const b = list[i];
    if (!b) continue;
    const key = e.brand?.client_id ?? '?';
    b.counts.set(key, (b.counts.get(key) ?? 0) + 1);
    b.total += 1;
  }
  return { size, list, unit };
}

const label = (ms: number, unit: string) =>
  new Intl.DateTimeFormat(undefined, unit === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(new Date(ms));

export function ActivityChart(props: { reads: ActivityEvent[]; now: number }) {
  const W = useChartWidth();
  const reads = props.reads.filter((e) => e.action === 'grant.read' && e.outcome === 'success');
  const brands = [...new Map(reads.map((e) => [e.brand?.client_id ?? '?', e.brand?.name ?? 'Unknown'])).entries()];
  if (!reads.length) return <p class="empty">No brand has read your data yet.</p>;
  const { list, unit } = buckets(reads, props.now);
  const max = Math.max(1, ...list.map((b) => b.total));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const barW = plotW / list.length;
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const totals = brands.map(([id, name]) => ({ id, name, n: reads.filter((e) => (e.brand?.client_id ?? '?') === id).length }));
  const summary =
    `Reads of your data per ${unit}, from ${label(list[0]!.start, unit)} to now: ` +
    totals.map((t) => `${t.name} ${t.n === 1 ? '1 read' : `${t.n} reads`}`).join(', ') +
    '.';
  const ticks = [0, Math.floor(list.length / 2), list.length - 1];
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
        <title id="chart-title">Reads over time by brand</title>
        <desc id="chart-desc">{summary}</desc>
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <text class="tick" x={PAD.left - 6} y={y(max) + 4} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={PAD.left - 6} y={y(0)} text-anchor="end">
          0
        </text>
        {list.map((b, i) => {
          let base = 0;
          return brands.map(([id], s) => {
            const n = b.counts.get(id) ?? 0;
            if (!n) return null;
            const top = y(base + n);
            const rect = (
              <rect key={`${i}-${id}`} class={`series-${s % 6}`} x={PAD.left + i * barW + barW * 0.15} width={barW * 0.7} y={top} height={y(base) - top} />
            );
            base += n;
            return rect;
          });
        })}
        {ticks.map((i, k) => (
          // The outer labels align to the plot's edges, so neither runs off the drawing.
          <text
            key={i}
            class="tick"
            x={k === 0 ? PAD.left : k === ticks.length - 1 ? W - PAD.right : PAD.left + (i + 0.5) * barW}
            y={H - 8}
            text-anchor={k === 0 ? 'start' : k === ticks.length - 1 ? 'end' : 'middle'}
          >
            {label(list[i]!.start, unit)}
          </text>
        ))}
      </svg>
      <figcaption>
        <ul class="legend">
          {totals.map((t, s) => (
            <li key={t.id}>
              <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
                <rect class={`series-${s % 6}`} width="10" height="10" rx="2" />
              </svg>
              {t.name}: {t.n === 1 ? '1 read' : `${t.n} reads`}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
