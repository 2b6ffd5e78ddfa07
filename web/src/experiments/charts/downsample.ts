/**
 * Largest-Triangle-Three-Buckets: keeps `threshold` of the points (the first, the last, and in
 * each bucket between the one that spans the largest triangle with its neighbours), so a long
 * series drawn at chart width keeps its peaks and shape. `xs` must be ascending and `ys`
 * finite. The API downsamples history the same way; the page uses this to keep a series that
 * keeps growing with live points at about the size it was fetched at.
 */
export function lttb(xs: readonly number[], ys: readonly number[], threshold: number): { xs: number[]; ys: number[] } {
  const count = xs.length;
  if (threshold >= count || threshold < 3) return { xs: [...xs], ys: [...ys] };
  const outXs = [xs[0]!];
  const outYs = [ys[0]!];
  const bucketSize = (count - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    // The next bucket's average is the triangle's third corner.
    const nextStart = Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, count);
    let averageX = 0;
    let averageY = 0;
    for (let index = nextStart; index < nextEnd; index += 1) {
      averageX += xs[index]!;
      averageY += ys[index]!;
    }
    const nextCount = Math.max(nextEnd - nextStart, 1);
    averageX /= nextCount;
    averageY /= nextCount;

    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, count - 1);
    let largestArea = -1;
    let chosen = start;
    for (let index = start; index < end; index += 1) {
      const area = Math.abs(
        (xs[previous]! - averageX) * (ys[index]! - ys[previous]!) -
          (xs[previous]! - xs[index]!) * (averageY - ys[previous]!),
      );
      if (area > largestArea) {
        largestArea = area;
        chosen = index;
      }
    }
    outXs.push(xs[chosen]!);
    outYs.push(ys[chosen]!);
    previous = chosen;
  }
  outXs.push(xs[count - 1]!);
  outYs.push(ys[count - 1]!);
  return { xs: outXs, ys: outYs };
}
