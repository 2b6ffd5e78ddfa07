import { formatCount, formatStatistic } from './format';
import type { ColumnStats } from './operations';

const HISTOGRAM_WIDTH = 280;
const HISTOGRAM_HEIGHT = 110;
const AXIS_HEIGHT = 16;
const BAR_GAP = 1;

/** Says when a chart's counts were estimated from a sample of a big file's rows. */
function EstimatedNote({ column }: { column: ColumnStats }) {
  if (!column.distributionEstimated) return null;
  return (
    <span className="hint" title="Counted on a sample of the rows spread over the whole file, scaled to its row count">
      {' '}
      · estimated from a sample
    </span>
  );
}

/** A numeric column's equal-width histogram as SVG bars, with its range below. */
export function Histogram({ column }: { column: ColumnStats }) {
  const bins = column.histogram;
  const highest = Math.max(...bins.map((bin) => bin.count), 1);
  const plotHeight = HISTOGRAM_HEIGHT - AXIS_HEIGHT;
  const barWidth = HISTOGRAM_WIDTH / bins.length;
  const first = bins[0];
  const last = bins[bins.length - 1];
  return (
    <figure className="column-chart">
      <figcaption>
        <strong>{column.name}</strong> <span className="hint">{column.type}</span>
        <EstimatedNote column={column} />
      </figcaption>
      <svg
        role="img"
        aria-label={`Histogram of ${column.name}`}
        viewBox={`0 0 ${HISTOGRAM_WIDTH} ${HISTOGRAM_HEIGHT}`}
        width={HISTOGRAM_WIDTH}
        height={HISTOGRAM_HEIGHT}
      >
        {bins.map((bin, index) => {
          const height = bin.count === 0 ? 0 : Math.max((bin.count / highest) * plotHeight, 1);
          return (
            <rect
              key={index}
              className="histogram-bar"
              x={index * barWidth + BAR_GAP / 2}
              y={plotHeight - height}
              width={Math.max(barWidth - BAR_GAP, 1)}
              height={height}
            >
              <title>{`${formatStatistic(bin.start)} to ${formatStatistic(bin.end)}: ${formatCount(bin.count)}`}</title>
            </rect>
          );
        })}
        <line className="chart-axis" x1={0} x2={HISTOGRAM_WIDTH} y1={plotHeight + 0.5} y2={plotHeight + 0.5} />
        {first && last && (
          <>
            <text className="chart-label" x={0} y={HISTOGRAM_HEIGHT - 3} textAnchor="start">
              {formatStatistic(first.start)}
            </text>
            <text className="chart-label" x={HISTOGRAM_WIDTH} y={HISTOGRAM_HEIGHT - 3} textAnchor="end">
              {formatStatistic(last.end)}
            </text>
          </>
        )}
      </svg>
    </figure>
  );
}

const TOP_ROW_HEIGHT = 18;
const TOP_LABEL_WIDTH = 110;
const TOP_COUNT_WIDTH = 50;
const TOP_WIDTH = 280;
const MAX_LABEL_CHARACTERS = 16;

function shortLabel(value: string): string {
  return value.length > MAX_LABEL_CHARACTERS ? `${value.slice(0, MAX_LABEL_CHARACTERS - 1)}…` : value;
}

/** A text column's most frequent values as horizontal SVG bars. */
export function TopValues({ column }: { column: ColumnStats }) {
  const values = column.topValues;
  const highest = Math.max(...values.map((value) => value.count), 1);
  const barSpace = TOP_WIDTH - TOP_LABEL_WIDTH - TOP_COUNT_WIDTH;
  const height = values.length * TOP_ROW_HEIGHT;
  return (
    <figure className="column-chart">
      <figcaption>
        <strong>{column.name}</strong> <span className="hint">{column.type}</span>
        <EstimatedNote column={column} />
      </figcaption>
      <svg
        role="img"
        aria-label={`Top values of ${column.name}`}
        viewBox={`0 0 ${TOP_WIDTH} ${height}`}
        width={TOP_WIDTH}
        height={height}
      >
        {values.map((value, index) => {
          const y = index * TOP_ROW_HEIGHT;
          const width = Math.max((value.count / highest) * barSpace, 1);
          return (
            <g key={value.value}>
              <title>{`${value.value}: ${formatCount(value.count)}`}</title>
              <text className="chart-label" x={TOP_LABEL_WIDTH - 6} y={y + TOP_ROW_HEIGHT - 5} textAnchor="end">
                {shortLabel(value.value)}
              </text>
              <rect className="top-value-bar" x={TOP_LABEL_WIDTH} y={y + 3} width={width} height={TOP_ROW_HEIGHT - 6} />
              <text className="chart-label" x={TOP_LABEL_WIDTH + width + 4} y={y + TOP_ROW_HEIGHT - 5}>
                {formatCount(value.count)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** One chart per column that has something to draw: a histogram, or else its top values. */
export function ColumnCharts({ columns }: { columns: readonly ColumnStats[] }) {
  const drawable = columns.filter((column) => column.histogram.length > 0 || column.topValues.length > 0);
  if (drawable.length === 0) return <p>No column has values to chart.</p>;
  return (
    <div className="column-charts">
      {drawable.map((column) =>
        column.histogram.length > 0 ? (
          <Histogram key={column.name} column={column} />
        ) : (
          <TopValues key={column.name} column={column} />
        ),
      )}
    </div>
  );
}
