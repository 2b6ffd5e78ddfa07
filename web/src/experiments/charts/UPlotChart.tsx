import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// Narrower than this, axes and labels no longer fit.
const MIN_WIDTH_PX = 240;

/**
 * A uPlot chart (canvas; one path per series, never an element per point) filling its
 * container's width. Make `options` with useMemo: new options build a new chart, while new
 * `data` only redraws the one there. It follows its container's width as the page resizes.
 */
export function UPlotChart({
  options,
  data,
  height,
}: {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const width = () => Math.max(container.clientWidth, MIN_WIDTH_PX);
    const plot = new uPlot({ ...options, width: width(), height }, dataRef.current, container);
    plotRef.current = plot;
    const observer = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    const plot = plotRef.current;
    if (plot && plot.data !== data) plot.setData(data);
  }, [data]);

  return <div className="uplot-container" ref={containerRef} />;
}
