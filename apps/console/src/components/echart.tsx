import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, SankeyChart } from "echarts/charts";
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef, type CSSProperties } from "react";

// Only the pieces the console draws: keeps the bundle far below the full ECharts build.
echarts.use([LineChart, BarChart, PieChart, FunnelChart, HeatmapChart, SankeyChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, VisualMapComponent, CanvasRenderer]);

export type EChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts instance bound to a div: created on mount, given each new option, resized with its
 * box and disposed on unmount. Features pass a plain option object (see echarts.apache.org).
 */
export function EChart(props: { option: EChartOption; style?: CSSProperties; className?: string; "data-testid"?: string }) {
  const { option, style, className } = props;
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const instance = echarts.init(element, undefined, { renderer: "canvas" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} className={className} style={{ width: "100%", height: 240, ...style }} data-testid={props["data-testid"]} />;
}

/** A tiny line without axes, for a table cell: how a number moved lately. */
export function Sparkline(props: { values: readonly number[]; width?: number; height?: number; color?: string; "data-testid"?: string }) {
  const { values, width = 120, height = 32, color = "#1677ff" } = props;
  // Keyed by the values' content, not the array's identity: a refetch with the same sizes redraws nothing.
  const key = values.join(",");
  const option = useMemo<EChartOption>(() => {
    const points = key === "" ? [] : key.split(",").map(Number);
    return {
      animation: false,
      grid: { left: 1, right: 1, top: 3, bottom: 3 },
      xAxis: { type: "category", show: false, boundaryGap: false, data: points.map((_, i) => i) },
      yAxis: { type: "value", show: false, scale: true },
      tooltip: { show: false },
      series: [
        {
          type: "line",
          data: points,
          showSymbol: points.length === 1,
          symbolSize: 4,
          lineStyle: { width: 1.5, color },
          itemStyle: { color },
          areaStyle: { color, opacity: 0.12 },
        },
      ],
    };
  }, [key, color]);
  return <EChart option={option} style={{ width, height }} data-testid={props["data-testid"]} />;
}
