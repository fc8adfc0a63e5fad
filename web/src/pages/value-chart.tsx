// Value received over time, per brand, as a stacked bar chart in plain SVG (no chart library;
// the same drawing as the activity chart): one measure at a time, picked with radio buttons
// when there is more than one — each unit that adds up (EUR, points), or entries, which count
// every time value was given (percent discounts and gifts without an amount included).
// Colours come from the stylesheet (a brand keeps its colour in every measure); a summary,
// the totals and a table of the numbers stand in for the drawing for screen readers.
import { useState } from 'preact/hooks';
import { useChartWidth } from '../ui/chart-width.ts';
import { amount } from '../format.ts';
import type { ValueSummary } from '../types.ts';
import { ValueNumbers } from './value-numbers.tsx';
import { buckets, entriesOf, measuresOf, totalsBy, type Measure } from './value-series.ts';

const H = 180;
const PAD = { left: 44, right: 8, top: 12, bottom: 28 };

const show = (n: number, m: Measure) => (m.unit === null ? (n === 1 ? '1 entry' : `${n} entries`) : amount(Math.round(n * 100) / 100, m.unit));
/** The y axis's top: short, so it fits the narrow drawing ("€1.2K", "200"); the measure is named above. */
function tick(n: number, m: Measure): string {
  const currency = m.unit && /^[A-Z]{3}$/.test(m.unit) ? { style: 'currency' as const, currency: m.unit } : {};
  try {
    return new Intl.NumberFormat(undefined, { ...currency, notation: 'compact', maximumFractionDigits: 1 }).format(n);
  } catch {
    return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  }
}
const label = (ms: number) => new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }).format(new Date(ms));

export function ValueChart(props: { value: ValueSummary; now: number }) {
  const W = useChartWidth();
  const entries = entriesOf(props.value);
  const measures = measuresOf(entries);
  const [key, setKey] = useState(measures[0]!.key);
  if (!entries.length) return <p class="empty">No brand has recorded value for you yet.</p>;
  const m = measures.find((x) => x.key === key) ?? measures[0]!;
  const brands = props.value.brands.filter((b) => b.received.length).map((b, s) => ({ id: b.client_id, name: b.name, s: s % 6 }));
  const { unit, list } = buckets(entries, m, props.now);
  const totals = totalsBy(entries, m);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const max = Math.max(...list.map((b) => b.total)) || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const barW = plotW / list.length;
  const y = (n: number) => PAD.top + plotH - (n / max) * plotH;
  const per = unit === 'day' ? 'per day' : 'per week';
  const summary =
    `${m.unit === null ? 'Entries of value received' : `Value received in ${m.label}`} ${per}, from ${label(list[0]!.start)} to today: ` +
    brands.map((b) => `${b.name} ${show(totals.get(b.id) ?? 0, m)}`).join(', ') +
    `. In total ${show(all, m)}.`;
  const ticks = [0, Math.floor(list.length / 2), list.length - 1];
  return (
    <figure class="chart value-chart">
      {measures.length > 1 ? (
        <fieldset class="measure-pick">
          <legend>Show</legend>
          {measures.map((x) => (
            <label key={x.key}>
              <input type="radio" name="value-measure" value={x.key} checked={x.key === m.key} onChange={() => setKey(x.key)} />
              {x.label}
            </label>
          ))}
        </fieldset>
      ) : null}
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="value-chart-title value-chart-desc" preserveAspectRatio="xMidYMid meet">
        <title id="value-chart-title">Value received over time by brand</title>
        <desc id="value-chart-desc">{summary}</desc>
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <text class="tick" x={PAD.left - 6} y={y(max) + 4} text-anchor="end">
          {tick(max, m)}
        </text>
        <text class="tick" x={PAD.left - 6} y={y(0)} text-anchor="end">
          0
        </text>
        {list.map((b, i) => {
          let base = 0;
          return brands.map((br) => {
            const n = b.by.get(br.id) ?? 0;
            if (!n) return null;
            const top = y(base + n);
            const rect = (
              <rect
                key={`${i}-${br.id}`}
                class={`series-${br.s}`}
                data-bucket={new Date(b.start).toISOString()}
                data-brand={br.id}
                x={PAD.left + i * barW + barW * 0.15}
                width={barW * 0.7}
                y={top}
                height={y(base) - top}
              />
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
            {label(list[i]!.start)}
          </text>
        ))}
      </svg>
      <figcaption>
        <ul class="legend" aria-label={`Totals by brand (${m.label})`}>
          {brands.map((b) => (
            <li key={b.id} data-brand-total={b.id}>
              <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true" focusable="false">
                <rect class={`series-${b.s}`} width="10" height="10" rx="2" />
              </svg>
              {b.name}: {show(totals.get(b.id) ?? 0, m)}
            </li>
          ))}
          <li data-brand-total="all">
            <strong>In total: {show(all, m)}</strong>
          </li>
        </ul>
        <ValueNumbers list={list} unit={unit} brands={brands} caption={summary} show={(n) => show(n, m)} day={label} />
      </figcaption>
    </figure>
  );
}
