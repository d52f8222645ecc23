import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_LABEL } from '../src/core/format.ts';
import { countries } from '../src/render/boundaries.ts';
import { renderMap } from '../src/render/map.ts';
import { aggregate, buildMapSpec } from '../src/render/map-data.ts';
import { buildMapSvg, mergeClose, pathCentroid, sizeSteps, type MapLayout } from '../src/render/map-svg.ts';
import { GROUP_COLOUR, NO_FIGURES_COLOUR } from '../src/render/palette.ts';
import type { Png } from '../src/render/rasterize.ts';
import { decodePng, pixel, pngSize } from '../testkit/png.ts';
import type { IncidentSelection } from '../src/core/incident-selection.ts';
import { selectIncidents } from '../src/render/selection.ts';
import { Incident } from '../src/schema/index.ts';
import { FIXTURE_INCIDENTS, fixtureDataset } from './render-fixture.ts';

const ds = fixtureDataset();

function layoutFor(sel: IncidentSelection): MapLayout {
  const spec = buildMapSpec(ds, { ...sel, placeLabel: ds.gazetteer.label(sel.placeId), groupLabels: GROUP_LABEL }, selectIncidents(ds, sel));
  return buildMapSvg(spec, countries());
}

/** The SVG's marker circles with their attributes, read back from the markup itself. */
function markersIn(svg: string) {
  return [
    ...svg.matchAll(
      /<circle class="marker (exact|approximate)" cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" data-value="(\d+)" data-incidents="(\d+)" data-group="([a-z-]+)" fill="(#[0-9A-F]{6})"/g,
    ),
  ].map((m) => ({
    precision: m[1],
    x: Number(m[2]),
    y: Number(m[3]),
    r: Number(m[4]),
    value: Number(m[5]),
    incidents: Number(m[6]),
    group: m[7],
    fill: m[8],
  }));
}

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));

describe('map SVG for a fixed query (Syria, all dates, fixture data)', () => {
  const layout = layoutFor({ placeId: 'syria', from: null, to: null, actorId: null });
  const markers = markersIn(layout.svg);

  it('has one marker per location: the two Aleppo incidents share one, the rest are one each', () => {
    expect(markers).toHaveLength(5);
    expect(layout.markers).toHaveLength(5);
    const byValue = Object.fromEntries(markers.map((m) => [`${m.precision}:${m.group}`, [m.value, m.incidents]]));
    expect(byValue).toEqual({
      'exact:civilians': [17, 2], // a1 10 killed + 5 injured, a2 2 killed (injured unknown: not counted)
      'exact:militants': [30, 1],
      'approximate:security-forces': [5, 1],
      'approximate:none': [0, 1],
      'approximate:unknown': [6, 1],
    });
  });

  it('puts every marker inside the map frame, in the right places relative to each other', () => {
    const { x, y, width, height } = layout.mapRect;
    for (const m of markers) {
      expect(m.x - m.r).toBeGreaterThanOrEqual(x);
      expect(m.x + m.r).toBeLessThanOrEqual(x + width);
      expect(m.y - m.r).toBeGreaterThanOrEqual(y);
      expect(m.y + m.r).toBeLessThanOrEqual(y + height);
    }
    const at = (p: string, g: string) => markers.find((m) => m.precision === p && m.group === g)!;
    const aleppo = at('exact', 'civilians');
    const raqqa = at('exact', 'militants');
    const deir = at('approximate', 'security-forces');
    // West to east: Aleppo, Raqqa, Deir ez-Zor; Aleppo (36.2°N) lies north of Deir ez-Zor (35.3°N).
    expect(aleppo.x).toBeLessThan(raqqa.x);
    expect(raqqa.x).toBeLessThan(deir.x);
    expect(aleppo.y).toBeLessThan(deir.y);
  });

  it('sizes markers by killed + injured and colours them by the group hit', () => {
    const sorted = [...markers].sort((a, b) => a.value - b.value);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.r).toBeGreaterThanOrEqual(sorted[i - 1]!.r);
    expect(markers.find((m) => m.value === 30)!.r).toBeGreaterThan(markers.find((m) => m.value === 17)!.r);
    for (const m of markers) if (m.group !== 'none') expect(m.fill).toBe(GROUP_COLOUR[m.group as keyof typeof GROUP_COLOUR]);
  });

  it('a location whose incidents state no figure (casualties: [], only a note) is white and says "figures not stated", not "0 killed"', () => {
    const none = layout.markers.filter((m) => m.group === null);
    expect(none.map((m) => m.label)).toEqual(['Raqqa Governorate (area only): 1 incident, figures not stated']);
    expect(markers.filter((m) => m.group === 'none').map((m) => m.fill)).toEqual([NO_FIGURES_COLOUR]);
    expect(layout.svg).toContain('<title>Raqqa Governorate (area only): 1 incident, figures not stated</title>');
    expect(layout.svg.includes(', 0 killed or injured</title>')).toBe(false);
  });

  it('draws area-level locations as dashed rings and exact ones as solid discs', () => {
    expect(layout.svg.match(/class="marker approximate"[^>]*stroke-dasharray/g)).toHaveLength(3);
    expect(layout.svg.match(/class="marker exact"[^>]*stroke-dasharray/g)).toBeNull();
  });

  it('has a legend for exactly the groups and precisions on the map, and a size scale up to the largest', () => {
    for (const g of ['security-forces', 'civilians', 'militants', 'unknown', 'none']) expect(layout.svg).toContain(`legend-group legend-${g}"`);
    expect(layout.svg).not.toContain('legend-armed-groups');
    expect(layout.svg).toContain('legend-precision legend-exact');
    expect(layout.svg).toContain('legend-precision legend-approximate');
    expect(layout.svg.match(/class="legend-size"/g)).toHaveLength(3); // 1, 10, 30
    expect(sizeSteps(30)).toEqual([1, 10, 30]);
  });

  it('shows the title, period, count, figures and attribution', () => {
    expect(layout.svg).toContain('>Incidents in Syria</text>');
    expect(layout.svg).toContain('1 Jul 2019 – 10 Sep 2019 (all recorded) · 6 incidents at 5 locations');
    expect(layout.svg).toContain('52 killed, 6 injured.');
    expect(layout.svg).toMatch(/Data: Test Source \(a fixture for the picture tests\)\./);
    expect(layout.svg).toContain('Boundaries: Natural Earth (via world-atlas)');
  });

  it('labels the cities with incidents, and outlines the asked country as the focus', () => {
    expect(layout.labels.map((l) => l.name)).toEqual(expect.arrayContaining(['Raqqa', 'Aleppo']));
    // The province named like its capital is labelled once, by the city.
    expect(layout.labels.filter((l) => l.name.toLowerCase() === 'raqqa')).toHaveLength(1);
    expect(layout.svg).toMatch(/<path d="M[^"]+" fill="#FBF8F2" stroke="#555555"/);
    expect(layout.svg).toContain('>TURKEY</text>');
  });

  it('narrows with the period: August only leaves the Raqqa, Deir ez-Zor and Aleppo-province markers', () => {
    const aug = markersIn(layoutFor({ placeId: 'syria', from: '2019-08-01', to: '2019-08-31', actorId: null }).svg);
    expect(aug.map((m) => `${m.precision}:${m.group}`).sort()).toEqual(['approximate:security-forces', 'approximate:unknown', 'exact:militants']);
  });

  it('names cities without incidents in the frame, greyed, for orientation; and has a scale bar', () => {
    const aug = layoutFor({ placeId: 'syria', from: '2019-08-01', to: '2019-08-20', actorId: null });
    // Nothing happened in or around Aleppo in these days: the city is context, drawn as such.
    expect(aug.svg).toMatch(/class="context"[^>]*>Aleppo<\/text>/);
    expect(aug.svg).toMatch(/<text[^>]*font-weight="bold"[^>]*>Raqqa<\/text>/);
    expect(aug.svg).toMatch(/<g class="scale">.*>(50|100|200) km<\/text><\/g>/);
  });

  it('frames a city closely: every marker of Aleppo city inside, the frame smaller than the country', () => {
    const city = layoutFor({ placeId: 'aleppo', from: null, to: null, actorId: null });
    expect(city.markers).toHaveLength(1);
    const m = city.markers[0]!;
    const { x, y, width, height } = city.mapRect;
    expect(m.x).toBeGreaterThan(x + width * 0.3);
    expect(m.x).toBeLessThan(x + width * 0.7);
    expect(m.y).toBeGreaterThan(y + height * 0.3);
    expect(m.y).toBeLessThan(y + height * 0.7);
  });

  it('finds the centre of a projected outline', () => {
    expect(pathCentroid('M0,0L10,0L10,10L0,10Z')).toEqual([5, 5]);
    const [cx, cy] = pathCentroid('M0,0L10,0L10,10L0,10ZM20,0L30,0L30,10L20,10Z');
    expect(cx).toBeCloseTo(15);
    expect(cy).toBeCloseTo(5);
  });
});

describe('map PNG', () => {
  const sel = { placeId: 'syria', from: null, to: null };
  let layout: MapLayout;
  let png: Png;
  beforeAll(async () => {
    ({ layout, png } = await renderMap(ds, { ...sel, placeLabel: 'Syria', groupLabels: GROUP_LABEL }, selectIncidents(ds, sel)));
  });

  it('is a PNG of the SVG’s size that decodes', () => {
    expect(pngSize(png.data)).toEqual({ width: 1000, height: layout.height });
    expect(png.width).toBe(1000);
    const img = decodePng(png.data);
    expect(img.rgba.length).toBe(1000 * layout.height * 4);
  });

  it('has the markers where the SVG put them, in their colours', () => {
    const img = decodePng(png.data);
    const raqqa = layout.markers.find((m) => m.group === 'militants')!;
    // Left of the centre: clear of the city dot and of the label on the right.
    const [r, g, b, a] = pixel(img, raqqa.x - raqqa.r / 2, raqqa.y);
    const [mr, mg, mb] = hex(GROUP_COLOUR.militants);
    // 78 % marker colour over the pale land.
    expect(a).toBe(255);
    expect(Math.abs(r - (0.78 * mr! + 0.22 * 251))).toBeLessThan(6);
    expect(Math.abs(g - (0.78 * mg! + 0.22 * 248))).toBeLessThan(6);
    expect(Math.abs(b - (0.78 * mb! + 0.22 * 242))).toBeLessThan(6);
    // The header is white.
    expect(pixel(img, 990, 5)).toEqual([255, 255, 255, 255]);
  });
});

describe('markers with no figure, with a figure of 0, and both', () => {
  const n1 = FIXTURE_INCIDENTS.find((i) => i.id === 'n1')!;
  // A stated zero at the same point as n1 (no figures): the zero is a figure, so it decides the colour.
  const zero = Incident.parse({
    ...n1,
    id: 'z1',
    casualties: [{ group: 'civilians', actorId: null, label: 'civilians', killed: 0, injured: null }],
    casualtyNote: null,
  });

  it('a stated 0 is a figure: the group\'s colour and "0 killed or injured"', () => {
    const [m] = aggregate(fixtureDataset([zero]), [zero]).markers;
    expect(m).toMatchObject({ group: 'civilians', value: 0, label: 'Raqqa Governorate (area only): 1 incident, 0 killed or injured' });
  });

  it('no figure and a stated 0 at one location: coloured and counted by the 0', () => {
    const [m] = aggregate(fixtureDataset([n1, zero]), [n1, zero]).markers;
    expect(m).toMatchObject({ group: 'civilians', incidents: 2, label: 'Raqqa Governorate (area only): 2 incidents, 0 killed or injured' });
  });

  it('merged on the picture: white and "figures not stated" only when no merged location states a figure', () => {
    const base = { approximate: false, incidents: 1, value: 0, byGroup: {}, label: 'x: 1 incident, figures not stated' };
    const project = (lon: number, lat: number): [number, number] => [lon * 100, -lat * 100];
    const noFigures = mergeClose(
      [
        { ...base, lon: 1, lat: 1, group: null },
        { ...base, lon: 1.01, lat: 1.01, group: null },
      ],
      project,
    );
    expect(noFigures.map((m) => [m.locations, m.group, m.label])).toEqual([[2, null, '2 locations around x: 2 incidents, figures not stated']]);
    // The first merged location has no figure, the second a stated 0: not white.
    const withZero = mergeClose(
      [
        { ...base, lon: 1, lat: 1, group: null },
        { ...base, lon: 1.01, lat: 1.01, group: 'civilians', label: 'y: 1 incident, 0 killed or injured' },
      ],
      project,
    );
    expect(withZero.map((m) => [m.locations, m.group, m.label])).toEqual([[2, 'civilians', '2 locations around x: 2 incidents, 0 killed or injured']]);
  });
});

describe('merging and text outlines', () => {
  it('merges locations closer than a few pixels into one marker, summing and recolouring', () => {
    const base = { approximate: false, incidents: 1, label: 'x: 1 incident' };
    const project = (lon: number, lat: number): [number, number] => [lon * 100, -lat * 100];
    const merged = mergeClose(
      [
        { ...base, lon: 1.0, lat: 1.0, value: 3, group: 'civilians', byGroup: { civilians: 3 } },
        { ...base, lon: 1.01, lat: 1.01, value: 5, group: 'militants', byGroup: { militants: 5 } },
        { ...base, lon: 2.0, lat: 1.0, value: 1, group: 'civilians', byGroup: { civilians: 1 } },
        { ...base, lon: 1.0, lat: 1.0, value: 2, group: null, byGroup: {}, approximate: true },
      ],
      project,
    );
    expect(merged.map((m) => [m.locations, m.value, m.group, m.approximate])).toEqual([
      [2, 8, 'militants', false],
      [1, 1, 'civilians', false],
      [1, 2, null, true], // same point, other precision: stays apart
    ]);
  });

  it('draws text from cached outlines: no <text> left, the same picture', async () => {
    const { Resvg } = await import('@resvg/resvg-js');
    const { FONT_FAMILY, FONT_FILES } = await import('../src/render/fonts.ts');
    const { textToPaths, svgToPng } = await import('../src/render/rasterize.ts');
    const svg = layoutFor({ placeId: 'syria', from: null, to: null, actorId: null }).svg;
    expect(textToPaths(svg)).not.toContain('<text');
    expect(textToPaths(svg)).toBe(textToPaths(svg));
    const direct = decodePng(
      new Resvg(svg, {
        font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT_FAMILY },
        fitTo: { mode: 'original' },
        shapeRendering: 2,
        textRendering: 1,
      })
        .render()
        .asPng(),
    );
    const cached = decodePng(svgToPng(svg).data);
    let differing = 0;
    for (let i = 0; i < direct.rgba.length; i++) if (Math.abs(direct.rgba[i]! - cached.rgba[i]!) > 48) differing++;
    expect(differing).toBeLessThan(direct.rgba.length / 10_000);
  });
});
