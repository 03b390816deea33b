import type { RfmCell, RfmLayer, RfmSettings } from "@siyu/contracts";

/** FM: the average of the F and M scores, rounded down (a customer earns the higher FM only with both). */
export function fmScoreOf(f: number, m: number): number {
  return Math.floor((f + m) / 2);
}

/** The cell of an R score and an FM score (both 1–5) in the settings' grid. */
export function rfmCellOf(grid: RfmSettings["cellGrid"], r: number, fm: number): RfmCell {
  const cell = grid[r - 1]?.[fm - 1];
  if (!cell) throw new RangeError(`RFM scores out of range: R ${r}, FM ${fm}`);
  return cell;
}

export function rfmLayerOf(layers: RfmSettings["layerMap"], cell: RfmCell): RfmLayer {
  return layers[cell];
}
