// The value chart's numbers as a table, behind a disclosure: one row per day (or week) that
// has any value in the measure shown, a column per brand and one for all. It serves anyone
// who wants the figures, and screen readers first (its caption is the chart's summary).
import type { Bucket } from './value-series.ts';

export function ValueNumbers(props: {
  list: Bucket[];
  unit: 'day' | 'week';
  brands: { id: string; name: string }[];
  caption: string;
  show: (n: number) => string;
  day: (ms: number) => string;
}) {
  const rows = props.list.filter((b) => b.total);
  if (!rows.length) return null;
  return (
    <details class="value-numbers">
      <summary>The numbers {props.unit === 'day' ? 'per day' : 'per week'}</summary>
      <div class="table-scroll">
        <table class="events-table">
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{props.unit === 'day' ? 'Day' : 'Week of'}</th>
              {props.brands.map((b) => (
                <th key={b.id} scope="col">
                  {b.name}
                </th>
              ))}
              <th scope="col">All</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.start}>
                <th scope="row">{props.day(b.start)}</th>
                {props.brands.map((br) => {
                  const n = b.by.get(br.id);
                  return <td key={br.id}>{n ? props.show(n) : '–'}</td>;
                })}
                <td>{props.show(b.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
