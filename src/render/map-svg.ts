import { geoMercator, geoPath } from 'd3-geo';
import type { CasualtyGroup } from '../schema/index.ts';
import type { Country } from './boundaries.ts';
import { FONT_FAMILY, fitText, textWidth, wrapText } from './fonts.ts';
import { BORDER, GROUP_COLOUR, INK, LAND, LAND_FOCUS, MUTED, NO_FIGURES_COLOUR, SEA } from './palette.ts';
import { el, esc, n, text, thousands } from './svg.ts';

/** One marker: an incident, or every incident recorded at one location. */
export interface MapMarker {
  lon: number;
  lat: number;
  /** Known only to district/province/country level, drawn at that area's centre. */
  approximate: boolean;
  /** Killed + injured (known figures) over the marker's incidents. */
  value: number;
  /** The group with the most casualties here (with only zero figures, the first group given one); null when no source gives a figure. */
  group: CasualtyGroup | null;
  /** Killed + injured per group, so merged markers can pick their colour again. */
  byGroup: Partial<Record<CasualtyGroup, number>>;
  incidents: number;
  /** What the marker stands for ("Homs: 2 incidents"), kept as the SVG title (alt text). */
  label: string;
}

export interface MapLabel {
  name: string;
  lon: number;
  lat: number;
  /** city: a city/site with incidents; area: a province; context: a city without any, for orientation. */
  kind: 'city' | 'area' | 'context';
}

export interface GeoFrame {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface MapSpec {
  title: string;
  subtitle: string;
  frame: GeoFrame;
  /** Countries (world-atlas names) drawn as the focus; the rest are neighbours. */
  focusCountries: readonly string[];
  markers: readonly MapMarker[];
  /** Candidate place labels, most important first; drawn while they do not collide. */
  labels: readonly MapLabel[];
  groupLabels: Record<CasualtyGroup, string>;
  /** Lines of figures for the side panel ("12 incidents", "30 killed"). */
  facts: readonly string[];
  /** Attribution sentences, drawn in the bottom corner. */
  attribution: readonly string[];
}

export interface PlacedMarker extends MapMarker {
  x: number;
  y: number;
  r: number;
  /** How many of the spec's markers (locations) this one stands for. */
  locations: number;
}

export interface MapLayout {
  svg: string;
  width: number;
  height: number;
  /** The map's drawing area in pixels (markers are clipped to it). */
  mapRect: { x: number; y: number; width: number; height: number };
  markers: PlacedMarker[];
  labels: { name: string; x: number; y: number }[];
}

export const MAP_WIDTH = 1000;
const HEADER = 76;
const PANEL = 250;
const MAP_H = 600;
const PAD = 16;
const FOOT_FONT = 12;
const FOOT_LINE = 16;
const MAX_R = 26;
/** Locations whose points fall in the same CELL x CELL pixel square share a marker. */
const CELL = 8;
const MIN_R = 3;
/** A dashed ring smaller than this reads as a speck. */
const MIN_R_AREA = 5;

/** Marker radius: area proportional to killed + injured, the largest capped at MAX_R. */
export function radiusScale(maxValue: number): (v: number) => number {
  const k = Math.min(3.2, MAX_R / Math.sqrt(Math.max(1, maxValue)));
  return (v) => Math.max(MIN_R, k * Math.sqrt(v));
}

export function buildMapSvg(spec: MapSpec, world: readonly Country[]): MapLayout {
  const W = MAP_WIDTH;
  const mapRect = { x: PAD, y: HEADER, width: W - PANEL - PAD * 2, height: MAP_H };
  const footLines = wrapAttribution(spec.attribution, W - PAD * 2);
  const H = HEADER + MAP_H + 10 + footLines.length * FOOT_LINE + 10;

  // Projection: Mercator fitted to the frame (its corners and edge midpoints, so the fit is exact).
  const f = spec.frame;
  const midLon = (f.west + f.east) / 2;
  const midLat = (f.south + f.north) / 2;
  const frameShape = {
    type: 'MultiPoint' as const,
    coordinates: [
      [f.west, f.south],
      [f.east, f.south],
      [f.west, f.north],
      [f.east, f.north],
      [midLon, f.south],
      [midLon, f.north],
      [f.west, midLat],
      [f.east, midLat],
    ],
  };
  const inset = 12;
  const x0 = mapRect.x;
  const y0 = mapRect.y;
  const x1 = mapRect.x + mapRect.width;
  const y1 = mapRect.y + mapRect.height;
  const projection = geoMercator().fitExtent(
    [
      [x0 + inset, y0 + inset],
      [x1 - inset, y1 - inset],
    ],
    frameShape,
  );
  projection.clipExtent([
    [x0, y0],
    [x1, y1],
  ]);
  const path = geoPath(projection).digits(1);

  // Only countries near the frame are projected at all.
  const spanLon = f.east - f.west;
  const spanLat = f.north - f.south;
  const lonHits = (w: number, e: number) => !(e < f.west - spanLon || w > f.east + spanLon);
  const near = world.filter((c) => {
    const [[w, s], [e, nn]] = c.bounds;
    if (nn < f.south - spanLat || s > f.north + spanLat) return false;
    // Bounds that cross the antimeridian (Russia, Fiji) are two longitude ranges.
    return w > e ? lonHits(w, 180) || lonHits(-180, e) : lonHits(w, e);
  });
  const focus = new Set(spec.focusCountries.map((s) => s.toLowerCase()));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT_FAMILY}">`,
    el('rect', { width: W, height: H, fill: '#FFFFFF' }),
    // The map is not clipped with clip-path (resvg would draw it into a layer and mask it, a third of
    // the render time); outlines are clipped by the projection, and markers spilling over the edge
    // are covered by the white margins drawn after it.
    `<g class="map">`,
    el('rect', { x: x0, y: y0, width: mapRect.width, height: mapRect.height, fill: SEA }),
  );
  const countryLabels: { name: string; x: number; y: number }[] = [];
  const land: string[] = [];
  const focusLand: string[] = [];
  for (const c of near) {
    const d = path(c.feature);
    if (!d) continue;
    const isFocus = focus.has(c.name.toLowerCase());
    (isFocus ? focusLand : land).push(d);
    if (isFocus) continue; // the title names it; its label would sit among the markers
    const centre = pathCentroid(d);
    if (Number.isFinite(centre[0]) && inside(centre[0], centre[1], x0 + 40, y0 + 20, x1 - 40, y1 - 20))
      countryLabels.push({ name: c.name, x: centre[0], y: centre[1] });
  }
  if (land.length) parts.push(el('path', { d: land.join(''), fill: LAND, stroke: BORDER, 'stroke-width': 0.8, 'stroke-linejoin': 'round' }));
  if (focusLand.length) parts.push(el('path', { d: focusLand.join(''), fill: LAND_FOCUS, stroke: '#555555', 'stroke-width': 1.4, 'stroke-linejoin': 'round' }));
  for (const c of countryLabels)
    parts.push(text(c.x, c.y, c.name.toUpperCase(), { 'font-size': 15, 'font-weight': 'bold', fill: '#B4AEA3', 'text-anchor': 'middle', 'letter-spacing': 2 }));

  // Markers: locations closer than a few pixels merge, then the biggest are drawn first so small
  // ones stay visible on top.
  const placed = mergeClose(spec.markers, (lon, lat) => projection([lon, lat]));
  const r = radiusScale(Math.max(0, ...placed.map((m) => m.value)));
  for (const m of placed) m.r = m.approximate ? Math.max(MIN_R_AREA, r(m.value)) : r(m.value);
  placed.sort((a, b) => b.r - a.r || a.x - b.x || a.y - b.y);
  const grid = new Map<string, PlacedMarker[]>();
  for (const m of placed) {
    const k = `${Math.floor(m.x / CELL)},${Math.floor(m.y / CELL)}`;
    const list = grid.get(k);
    if (list) list.push(m);
    else grid.set(k, [m]);
  }
  /** Radius of a marker sitting on this point (labels move clear of it). */
  const markerAt = (x: number, y: number): number => {
    let under = 0;
    const cx = Math.floor(x / CELL);
    const cy = Math.floor(y / CELL);
    for (let i = -1; i <= 1; i++)
      for (let j = -1; j <= 1; j++)
        for (const m of grid.get(`${cx + i},${cy + j}`) ?? [])
          if (Math.hypot(m.x - x, m.y - y) < Math.max(4, m.r / 2)) under = Math.max(under, m.r + Math.hypot(m.x - x, m.y - y));
    return under;
  };

  // Place labels under the markers' layer would be hidden; draw them after, skipping collisions.
  const labelBoxes: Box[] = [];
  const labels: { name: string; x: number; y: number }[] = [];
  const labelSvg: string[] = [];
  let main = 0;
  let context = 0;
  for (const l of spec.labels) {
    if (l.kind === 'context' ? context >= 8 : main >= 12) continue;
    const p = projection([l.lon, l.lat]);
    if (!p || !inside(p[0], p[1], x0, y0, x1, y1)) continue;
    const pointLike = l.kind !== 'area';
    const size = l.kind === 'city' ? 14 : l.kind === 'area' ? 13 : 12;
    const shown = l.kind === 'area' ? l.name.toUpperCase() : l.name;
    const w = textWidth(shown, size, l.kind === 'city') + (l.kind === 'area' ? shown.length * 0.8 : 0);
    // Cities: to the right of their dot; areas: centred just below their centre point (the centre is
    // where approximate markers sit).
    // Both move clear of a marker drawn at the same point.
    const under = markerAt(p[0], p[1]);
    const tx = pointLike ? p[0] + Math.max(6, under + 4) : p[0] - w / 2;
    const ty = pointLike ? p[1] + 5 : p[1] + Math.max(20, under + 15);
    const box: Box = { x0: tx - 2, y0: ty - size, x1: tx + w + 2, y1: ty + 4 };
    if (box.x0 < x0 || box.x1 > x1 || box.y0 < y0 || box.y1 > y1) continue;
    if (labelBoxes.some((b) => overlaps(b, box))) continue;
    // A province named after its capital ("Homs") is labelled once.
    if (labels.some((o) => o.name.toLowerCase() === l.name.toLowerCase())) continue;
    labelBoxes.push(box);
    labels.push({ name: l.name, x: tx, y: ty });
    if (l.kind === 'context') context++;
    else main++;
    const halo = { stroke: '#FFFFFF', 'stroke-width': 3, 'stroke-linejoin': 'round', 'paint-order': 'stroke' };
    if (l.kind === 'city') {
      // The city's own dot only where no marker already marks the spot (it would hide a small one).
      if (!under) labelSvg.push(el('circle', { cx: p[0], cy: p[1], r: 2.5, fill: INK }));
      labelSvg.push(text(tx, ty, shown, { 'font-size': size, 'font-weight': 'bold', fill: INK, ...halo }));
    } else if (l.kind === 'context') {
      if (!under) labelSvg.push(el('circle', { cx: p[0], cy: p[1], r: 2, fill: '#8A8A8A' }));
      labelSvg.push(text(tx, ty, shown, { 'font-size': size, fill: '#707070', class: 'context', ...halo }));
    } else labelSvg.push(text(tx, ty, shown, { 'font-size': size, fill: '#6B6357', 'letter-spacing': 0.8, ...halo }));
  }

  parts.push('<g class="markers">');
  for (const m of placed) parts.push(markerSvg(m));
  parts.push('</g>', `<g class="labels">${labelSvg.join('')}</g>`, '</g>');
  const margin = { fill: '#FFFFFF' };
  parts.push(
    `<g class="margins">`,
    el('rect', { x: 0, y: 0, width: W, height: y0, ...margin }),
    el('rect', { x: 0, y: y1, width: W, height: H - y1, ...margin }),
    el('rect', { x: 0, y: y0, width: x0, height: mapRect.height, ...margin }),
    el('rect', { x: x1, y: y0, width: W - x1, height: mapRect.height, ...margin }),
    '</g>',
    text(PAD, 32, fitText(spec.title, 24, W - PAD * 2, true), { 'font-size': 24, 'font-weight': 'bold', fill: INK }),
    text(PAD, 60, fitText(spec.subtitle, 16, W - PAD * 2), { 'font-size': 16, fill: MUTED }),
  );
  parts.push(el('rect', { x: x0, y: y0, width: mapRect.width, height: mapRect.height, fill: 'none', stroke: '#777777', 'stroke-width': 1 }));
  parts.push(scaleBar(projection, midLon, midLat, x0 + 14, y1 - 16));

  parts.push(legendSvg(spec, placed, r, x1 + 20, y0, W - PAD - (x1 + 20)));

  // Attribution: bottom-left corner, under the map.
  let fy = y1 + 10 + FOOT_LINE - 3;
  const foot: string[] = [];
  for (const line of footLines) {
    foot.push(text(PAD, fy, line, { 'font-size': FOOT_FONT, fill: MUTED }));
    fy += FOOT_LINE;
  }
  parts.push(`<g class="attribution">${foot.join('')}</g>`, '</svg>');
  return { svg: parts.join(''), width: W, height: H, mapRect, markers: placed, labels };
}

/**
 * A marker's casualty words: "12 killed or injured" from the stated figures, or "figures not stated"
 * when none of its incidents gives one (casualties: [], perhaps with only a note): not "0", which would
 * claim a count the sources do not make.
 */
export function casualtyLabel(value: number, figuresKnown: boolean): string {
  return figuresKnown ? `${thousands(value)} killed or injured` : 'figures not stated';
}

/**
 * One marker per location as the reader can see it: markers of the same precision whose points fall in
 * the same few-pixel square merge (summed figures, incident-weighted position, colour picked again).
 */
export function mergeClose(markers: readonly MapMarker[], project: (lon: number, lat: number) => [number, number] | null): PlacedMarker[] {
  const GROUPS = Object.keys(GROUP_COLOUR) as CasualtyGroup[];
  interface Cell {
    first: MapMarker;
    value: number;
    incidents: number;
    locations: number;
    wx: number;
    wy: number;
    x: number;
    y: number;
    byGroup: number[];
    /** The first merged marker's group that is not null (null: no merged marker has a stated figure). */
    group: CasualtyGroup | null;
  }
  const cells = new Map<number, Cell>();
  for (const m of markers) {
    const p = project(m.lon, m.lat);
    if (!p) continue;
    // One numeric key per (precision, cell): cells stay far below 2^20 on either axis.
    const key = (m.approximate ? 1 : 0) + 2 * (Math.floor(p[0] / CELL) + 1024) + 4096 * (Math.floor(p[1] / CELL) + 1024);
    const w = Math.max(1, m.incidents);
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { first: m, value: 0, incidents: 0, locations: 0, wx: 0, wy: 0, x: p[0], y: p[1], byGroup: GROUPS.map(() => 0), group: null }));
    c.group ??= m.group;
    c.value += m.value;
    c.incidents += m.incidents;
    c.locations++;
    c.wx += p[0] * w;
    c.wy += p[1] * w;
    for (let i = 0; i < GROUPS.length; i++) c.byGroup[i]! += m.byGroup[GROUPS[i]!] ?? 0;
  }
  const out: PlacedMarker[] = [];
  for (const c of cells.values()) {
    const m = c.first;
    if (c.locations === 1) {
      out.push({ ...m, x: c.x, y: c.y, r: 0, locations: 1 });
      continue;
    }
    let group = c.group;
    let best = 0;
    const byGroup: Partial<Record<CasualtyGroup, number>> = {};
    for (let i = 0; i < GROUPS.length; i++) {
      const v = c.byGroup[i]!;
      if (v > 0) byGroup[GROUPS[i]!] = v;
      if (v > best) [group, best] = [GROUPS[i]!, v];
    }
    const w = Math.max(1, c.incidents);
    out.push({
      lon: m.lon,
      lat: m.lat,
      approximate: m.approximate,
      value: c.value,
      group,
      byGroup,
      incidents: c.incidents,
      label: `${c.locations} locations around ${m.label.replace(/:.*$/, '')}: ${c.incidents} incidents, ${casualtyLabel(c.value, group !== null)}`,
      x: c.wx / w,
      y: c.wy / w,
      r: 0,
      locations: c.locations,
    });
  }
  return out;
}

function markerSvg(m: PlacedMarker): string {
  // Written out by hand (not via el()): a Syria-wide map has over a thousand of these.
  const colour = m.group ? GROUP_COLOUR[m.group] : NO_FIGURES_COLOUR;
  const data = `cx="${n(m.x)}" cy="${n(m.y)}" r="${n(m.r)}" data-value="${m.value}" data-incidents="${m.incidents}" data-group="${m.group ?? 'none'}"`;
  const title = `<title>${esc(m.label)}</title>`;
  if (m.approximate)
    return `<circle class="marker approximate" ${data} fill="${colour}" fill-opacity="0.22" stroke="${m.group ? colour : '#555555'}" stroke-width="2" stroke-dasharray="4 3">${title}</circle>`;
  return `<circle class="marker exact" ${data} fill="${colour}" fill-opacity="${m.group ? 0.78 : 1}" stroke="${m.group ? '#FFFFFF' : '#555555'}" stroke-width="1.2">${title}</circle>`;
}

function legendSvg(spec: MapSpec, placed: readonly PlacedMarker[], r: (v: number) => number, x: number, y: number, width: number): string {
  const out: string[] = ['<g class="legend">'];
  let cy = y + 14;
  const heading = (s: string) => {
    out.push(text(x, cy, s, { 'font-size': 14, 'font-weight': 'bold', fill: INK }));
    cy += 22;
  };
  const item = (swatch: string, label: string, cls: string) => {
    out.push(`<g class="${cls}">${swatch}${text(x + 26, cy + 5, fitText(label, 14, width - 26), { 'font-size': 14, fill: INK })}</g>`);
    cy += 22;
  };
  for (const fact of spec.facts) {
    for (const line of wrapText(fact, 15, width)) {
      out.push(text(x, cy, fitText(line, 15, width), { 'font-size': 15, fill: INK, class: 'fact' }));
      cy += 20;
    }
  }
  cy += 12;

  heading('Group hit (most casualties)');
  const groups = new Set(placed.map((m) => m.group));
  for (const g of Object.keys(GROUP_COLOUR) as CasualtyGroup[]) {
    if (!groups.has(g)) continue;
    item(el('circle', { cx: x + 9, cy, r: 7, fill: GROUP_COLOUR[g], 'fill-opacity': 0.78 }), spec.groupLabels[g], `legend-group legend-${g}`);
  }
  if (groups.has(null))
    item(
      el('circle', { cx: x + 9, cy, r: 7, fill: NO_FIGURES_COLOUR, stroke: '#555555', 'stroke-width': 1.2 }),
      'no figures given',
      'legend-group legend-none',
    );
  cy += 8;

  heading('Location known');
  const kinds = new Set(placed.map((m) => m.approximate));
  if (kinds.has(false))
    item(
      el('circle', { cx: x + 9, cy, r: 7, fill: '#888888', stroke: '#FFFFFF', 'stroke-width': 1.2 }),
      'at or near a named spot',
      'legend-precision legend-exact',
    );
  if (kinds.has(true)) {
    item(
      el('circle', { cx: x + 9, cy, r: 7, fill: '#888888', 'fill-opacity': 0.22, stroke: '#888888', 'stroke-width': 2, 'stroke-dasharray': '4 3' }),
      'only to an area',
      'legend-precision legend-approximate',
    );
    out.push(text(x + 26, cy - 2, '(a province, district, country, road,', { 'font-size': 12, fill: MUTED }));
    out.push(text(x + 26, cy + 13, 'river, border or lake: at its centre)', { 'font-size': 12, fill: MUTED }));
    cy += 34;
  }
  cy += 8;

  heading('Killed + injured');
  const max = Math.max(0, ...placed.map((m) => m.value));
  const steps = sizeSteps(max);
  const biggest = r(steps[steps.length - 1] ?? 1);
  const baseline = cy + 2 * biggest - 6;
  let sx = x + 4;
  for (const v of steps) {
    const rr = r(v);
    const half = Math.max(rr, textWidth(thousands(v), 12) / 2);
    out.push(
      `<g class="legend-size">${el('circle', { cx: sx + half, cy: baseline - rr, r: rr, fill: 'none', stroke: '#555555', 'stroke-width': 1 })}` +
        `${text(sx + half, baseline + 15, thousands(v), { 'font-size': 12, fill: INK, 'text-anchor': 'middle' })}</g>`,
    );
    sx += 2 * half + 10;
  }
  out.push('</g>');
  return out.join('');
}

/**
 * A scale bar for the frame's middle latitude (Mercator stretches with latitude, so it is exact there
 * and close enough across a country): the longest round distance up to 140 px.
 */
function scaleBar(projection: (p: [number, number]) => [number, number] | null, lon: number, lat: number, x: number, y: number): string {
  const a = projection([lon, lat]);
  const b = projection([lon + 1, lat]);
  if (!a || !b) return '';
  const pxPerKm = Math.abs(b[0] - a[0]) / (111.32 * Math.cos((lat * Math.PI) / 180));
  let km = 1;
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) if (step * pxPerKm <= 140) km = step;
  const w = km * pxPerKm;
  const halo = { stroke: '#FFFFFF', 'stroke-width': 3, 'stroke-linejoin': 'round', 'paint-order': 'stroke' };
  return (
    `<g class="scale">` +
    el('path', {
      d: `M${x.toFixed(1)},${(y - 5).toFixed(1)}V${y.toFixed(1)}H${(x + w).toFixed(1)}V${(y - 5).toFixed(1)}`,
      fill: 'none',
      stroke: '#FFFFFF',
      'stroke-width': 4,
    }) +
    el('path', {
      d: `M${x.toFixed(1)},${(y - 5).toFixed(1)}V${y.toFixed(1)}H${(x + w).toFixed(1)}V${(y - 5).toFixed(1)}`,
      fill: 'none',
      stroke: INK,
      'stroke-width': 1.5,
    }) +
    text(x + w + 6, y + 1, `${km} km`, { 'font-size': 12, fill: INK, ...halo }) +
    '</g>'
  );
}

/** Reference values for the size legend: 1, 10, 100 ... up to the largest marker. */
export function sizeSteps(max: number): number[] {
  const out = [1];
  for (let v = 10; v <= max; v *= 10) out.push(v);
  if (max >= out[out.length - 1]! * 2) out.push(Number(max.toPrecision(1)));
  return out.slice(-4);
}

function wrapAttribution(sentences: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const s of sentences) lines.push(...wrapText(s, FOOT_FONT, width));
  if (lines.length <= 6) return lines;
  return [...lines.slice(0, 5), fitText(`${lines[5]} ${lines.slice(6).join(' ')}`, FOOT_FONT, width)];
}

/**
 * Area-weighted centre of an SVG path of closed rings (as d3-geo writes them: M x,y L x,y ... Z),
 * i.e. of the part of a country that is visible in the frame. Reads the path already projected and
 * clipped instead of projecting the country a second time.
 */
export function pathCentroid(d: string): [number, number] {
  let ax = 0;
  let ay = 0;
  let area = 0;
  for (const ring of d.split('M')) {
    const nums = ring
      .replace(/Z/g, '')
      .split(/[L,]/)
      .filter((t) => t !== '')
      .map(Number);
    const k = nums.length >> 1;
    if (k < 3) continue;
    for (let i = 0; i < k; i++) {
      const j = (i + 1) % k;
      const x0 = nums[2 * i]!;
      const y0 = nums[2 * i + 1]!;
      const x1 = nums[2 * j]!;
      const y1 = nums[2 * j + 1]!;
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      ax += (x0 + x1) * cross;
      ay += (y0 + y1) * cross;
    }
  }
  if (Math.abs(area) < 1e-9) return [NaN, NaN];
  return [ax / (3 * area), ay / (3 * area)];
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function inside(x: number, y: number, x0: number, y0: number, x1: number, y1: number): boolean {
  return x >= x0 && x <= x1 && y >= y0 && y <= y1;
}
