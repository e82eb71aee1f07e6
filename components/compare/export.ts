// Client-side exports of the compare page: CSV text as a file, and a chart's SVG drawn onto a
// canvas and saved as PNG (no extra dependency). Recharts draws its legend in HTML outside the
// SVG, so the legend (and a title) are painted onto the canvas from the chart's own series list.
export type LegendItem = { name: string; color: string };

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCsv(filename: string, csv: string): void {
  downloadBlob(filename, new Blob([csv], { type: "text/csv;charset=utf-8" }));
}

/** A safe file name stem from a chart title: "Accuracy per benchmark" → "accuracy-per-benchmark". */
export function fileStem(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "chart"
  );
}

const SCALE = 2;
const FONT = '13px ui-sans-serif, system-ui, -apple-system, "Segoe UI", sans-serif';

export async function downloadSvgAsPng(svg: SVGSVGElement, filename: string, opts: { title: string; legend: LegendItem[] }): Promise<void> {
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  clone.style.fontFamily = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", sans-serif';
  const markup = new XMLSerializer().serializeToString(clone);
  const image = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`);

  const titleHeight = 32;
  const legendRows = layoutLegend(opts.legend, width);
  const legendHeight = legendRows.length * 20 + (legendRows.length ? 12 : 0);
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(width * SCALE);
  canvas.height = Math.ceil((titleHeight + height + legendHeight) * SCALE);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("this browser cannot draw on a canvas");
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, titleHeight + height + legendHeight);
  ctx.fillStyle = "#1d1f23";
  ctx.font = `600 ${FONT}`;
  ctx.textBaseline = "middle";
  ctx.fillText(opts.title, 12, titleHeight / 2);
  ctx.drawImage(image, 0, titleHeight, width, height);
  ctx.font = FONT;
  legendRows.forEach((row, r) => {
    const y = titleHeight + height + 10 + r * 20;
    for (const item of row) {
      ctx.fillStyle = item.color;
      ctx.fillRect(item.x, y - 5, 10, 10);
      ctx.fillStyle = "#1d1f23";
      ctx.fillText(item.name, item.x + 14, y);
    }
  });
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("the chart could not be encoded as PNG");
  downloadBlob(filename, blob);
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("the chart's SVG could not be rendered"));
    img.src = src;
  });
}

/** Legend entries laid out left to right, wrapping at the chart's width (≈7px per character). */
function layoutLegend(items: LegendItem[], width: number) {
  const rows: (LegendItem & { x: number })[][] = [];
  let row: (LegendItem & { x: number })[] = [];
  let x = 12;
  for (const item of items) {
    const w = 14 + item.name.length * 7 + 18;
    if (row.length > 0 && x + w > width) {
      rows.push(row);
      row = [];
      x = 12;
    }
    row.push({ ...item, x });
    x += w;
  }
  if (row.length) rows.push(row);
  return rows;
}
