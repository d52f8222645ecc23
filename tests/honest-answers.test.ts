import { mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandByName } from '../commands/index.ts';
import { replyTo, type CommandContext, type RawOptions } from '../commands/kit/command.ts';
import { coverageSpans } from '../src/core/coverage.ts';
import type { Dataset } from '../src/core/dataset.ts';
import { DEFAULT_DATA_DIR } from '../src/data/load-dataset.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import { readDataDir } from '../src/data/read-data-dir.ts';
import { validateRecords } from '../src/data/validate-records.ts';
import { composeDigest } from '../commands/kit/digest-message.ts';
import { buildChartSpec } from '../src/render/chart-data.ts';
import { buildChartSvg } from '../src/render/chart-svg.ts';
import { selectIncidents } from '../src/render/selection.ts';
import { GROUP_LABEL } from '../src/core/format.ts';
import type { ReplyPayload } from '../commands/kit/payload.ts';
import type { Incident } from '../src/schema/index.ts';

/**
 * Issue 11, sections 1–3 on the shipped data (the article and UCDP GED): what every answer counts, the
 * periods its sources cover, and who is credited. Expected figures are recomputed from the raw records
 * here, never copied from an answer.
 */
let ds: Dataset;
let ctx: CommandContext;
const UCDP = 'ucdp-ged-191';
const ARTICLE = 'is-comeback-2019';
beforeAll(() => {
  ds = shippedDataset();
  ctx = { dataset: () => ds, now: () => new Date('2026-12-03T06:00:00Z'), invocation: { guildId: null, channelId: null, userId: null }, services: {} };
});

const run = async (name: string, options: RawOptions) => (await replyTo(commandByName.get(name)!, options, ctx)) as ReplyPayload;
const embed = (r: ReplyPayload) => r.embeds![0]!;
const field = (r: ReplyPayload, name: RegExp) => embed(r).fields?.find((f) => name.test(f.name))?.value ?? '';
const n = (x: number) => x.toLocaleString('en-US');
const inCountry = (i: Incident, country: string) => ds.gazetteer.country(i.placeId)?.id === country;
const involves = (i: Incident, actor: string) => i.perpetratorId === actor || i.casualties.some((c) => c.actorId === actor);
const killed = (incs: Incident[], pick: (c: Incident['casualties'][number]) => boolean = () => true) =>
  incs.reduce((s, i) => s + i.casualties.filter(pick).reduce((t, c) => t + (c.killed ?? 0), 0), 0);
const attribution = (id: string) => ds.sources.get(id)!.attribution;

describe('1. what is counted: the focus actor by default', () => {
  it('declares the focus actor in data/dataset.json', () => {
    expect(ds.focus).toMatchObject({ actorId: 'islamic-state', name: 'the Islamic State', ownDeadLabel: 'IS militants' });
  });

  it('/attacks syria counts incidents involving the Islamic State, says so, and keeps its own dead apart', async () => {
    const mine = ds.raw.incidents.filter((i) => inCountry(i, 'syria') && involves(i, 'islamic-state'));
    const own = killed(mine, (c) => c.actorId === 'islamic-state');
    const r = await run('attacks', { place: 'syria' });
    expect(embed(r).title).toBe('Incidents involving the Islamic State in Syria');
    const totals = field(r, new RegExp(`^Totals over ${n(mine.length)} incidents$`));
    expect(totals).toContain(`Killed: ${n(killed(mine))}, of whom ${n(own)} IS militants and ${n(killed(mine) - own)} others`);
    expect(embed(r).description).not.toContain('Syrian insurgents in Tall Damm'); // a clash without IS
  });

  it('actor:any widens to all recorded violence; actor:<name> narrows to another party', async () => {
    const all = ds.raw.incidents.filter((i) => inCountry(i, 'syria'));
    const any = await run('attacks', { place: 'syria', actor: 'any' });
    expect(embed(any).title).toBe('All recorded violence in Syria');
    expect(field(any, /^Totals over/)).toContain(`Killed: ${n(killed(all))},`);
    expect(embed(any).footer!.text).toContain('actor:any'); // the next page asks for the same
    const sdf = ds.raw.incidents.filter((i) => inCountry(i, 'syria') && involves(i, 'sdf'));
    const r = await run('attacks', { place: 'syria', actor: 'sdf' });
    expect(embed(r).title).toBe(`Incidents involving ${ds.actorName('sdf')} in Syria`);
    expect(field(r, new RegExp(`^Totals over ${n(sdf.length)} incidents$`))).toContain(`Killed: ${n(killed(sdf))}`);
  });

  it('/stats, /chart and /map count the focus actor by default too', async () => {
    const mine = ds.raw.incidents.filter((i) => involves(i, 'islamic-state'));
    const stats = await run('stats', {});
    expect(embed(stats).title).toBe('Statistics: Incidents involving the Islamic State in all places');
    expect(field(stats, new RegExp(`^Totals over ${n(mine.length)} incidents$`))).toMatch(/of whom [\d,]+ IS militants/);
    expect(embed(await run('stats', { actor: 'any' })).title).toBe('Statistics: All recorded violence in all places');
    const iraq = ds.raw.incidents.filter((i) => inCountry(i, 'iraq') && involves(i, 'islamic-state'));
    const chart = await run('chart', { place: 'iraq', by: 'year' });
    expect(chart.content).toContain(`involving the Islamic State in Iraq by year`);
    expect(chart.content).toContain(`${n(iraq.length)} incidents`);
    expect(chart.content).toContain('no data (no systematic source covers it, shaded): 2019;');
    const map = await run('map', { place: 'diyala', actor: 'any', from: '2019' });
    expect(embed(map).title).toBe('Incidents in Diyala, Iraq (all recorded violence)');
    const inDiyala = (i: Incident) => ds.gazetteer.lineage(i.placeId).some((p) => p.id === 'diyala-province');
    const diyalaMine = ds.raw.incidents.filter((i) => inDiyala(i) && involves(i, 'islamic-state'));
    expect(diyalaMine.length).toBeLessThan(ds.raw.incidents.filter(inDiyala).length); // the default must leave some out
    const mapMine = await run('map', { place: 'diyala' });
    expect(mapMine.content).toMatch(new RegExp(`^Map of incidents involving the Islamic State in Diyala, Iraq, .*: ${n(diyalaMine.length)} incidents:`));
  });

  it('refuses a focus actor that does not exist, or whose own dead sit in another group', () => {
    const dir = mkdtempSync(join(tmpdir(), 'focus-'));
    cpSync(DEFAULT_DATA_DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.ndjson') });
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ focus: { actorId: 'nobody', name: 'x', ownDeadLabel: 'x', ownDeadGroup: 'militants' } }));
    expect(() => validateRecords(readDataDir(dir))).toThrow(/focus\.actorId.*"nobody"/);
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ focus: { actorId: 'islamic-state', name: 'x', ownDeadLabel: 'x', ownDeadGroup: 'civilians' } }));
    expect(() => validateRecords(readDataDir(dir))).toThrow(/diyala-police-2019-08-22.*casualties\[1\]\.group/);
  });
});

describe('2. coverage: a gap is never a trend', () => {
  it('computes what each source covers per country from the records', () => {
    const ged = (c: string) =>
      ds.raw.incidents
        .filter((i) => i.sourceId === UCDP && inCountry(i, c))
        .map((i) => i.date.date)
        .sort();
    const span = (c: string) => coverageSpans(ds).find((s) => s.sourceId === UCDP && s.countryId === c)!;
    expect([span('iraq').from, span('iraq').to]).toEqual([ged('iraq')[0], ged('iraq').at(-1)]);
    expect([span('syria').from, span('syria').to]).toEqual([ged('syria')[0], ged('syria').at(-1)]);
    expect(span('iraq').systematic).toBe(true);
    expect(coverageSpans(ds).find((s) => s.sourceId === ARTICLE)!.systematic).toBe(false);
  });

  it("/stats states the period each country's figures cover, and what lies outside it", async () => {
    const r = await run('stats', {});
    const byCountry = field(r, /^By country/);
    expect(byCountry).toMatch(
      /Iraq: .* — covered by UCDP Georeferenced Event Dataset \(GED\) 19\.1 \(1 Jan 1989 – 25 Dec 2018\); 3 incidents outside that, from the article only/,
    );
    expect(byCountry).toMatch(/Syria: .* — covered by UCDP Georeferenced Event Dataset \(GED\) 19\.1 \(1 Jan 2016 – 30 Nov 2019\)$/m);
    const iraq2019 = await run('stats', { place: 'iraq', from: '2019' });
    expect(field(iraq2019, /^Period covered$/)).toContain('Iraq: no systematic source covers this period');
  });

  it('/attacks says what period its figures cover, and that an empty uncovered period is no data', async () => {
    const none = await run('attacks', { place: 'iraq', from: '2020' });
    expect(field(none, /^Period its figures cover$/)).toBe(
      'Iraq: no systematic source covers this period (UCDP Georeferenced Event Dataset (GED) 19.1 covers 1 Jan 1989 – 25 Dec 2018)',
    );
    const diyala = await run('attacks', { place: 'diyala' });
    expect(field(diyala, /^Period its figures cover$/)).toBe(
      'Iraq: covered by UCDP Georeferenced Event Dataset (GED) 19.1 (1 Jan 1989 – 25 Dec 2018); 1 incident outside that, from the article only',
    );
  });

  it('shades the chart periods no systematic source covers as no data', () => {
    const sel = { placeId: 'iraq', from: null, to: null, actorId: 'islamic-state' };
    const spec = buildChartSpec(ds, { ...sel, placeLabel: 'Iraq', step: 'year', groupLabels: GROUP_LABEL }, selectIncidents(ds, sel));
    const noData = spec.buckets.filter((b) => b.noData).map((b) => b.start);
    expect(noData).toEqual(['2019-01-01']); // UCDP's Iraq ends 25 Dec 2018; 2019 has only the article
    expect(spec.buckets.find((b) => b.start === '2018-01-01')!.noData).toBeFalsy();
    expect(spec.notes.join(' ')).toContain('Shaded: no data — no systematic source covers that year');
    expect(buildChartSvg(spec).svg).toContain('class="no-data" x=');
  });

  it('names a chart period covered only in part, as far as the dates asked reach', async () => {
    const sel = { placeId: 'iraq', from: null, to: null, actorId: 'islamic-state' };
    const spec = (to: string | null) =>
      buildChartSpec(ds, { ...sel, to, placeLabel: 'Iraq', step: 'year', groupLabels: GROUP_LABEL }, selectIncidents(ds, { ...sel, to }));
    // UCDP's Iraq ends 25 Dec 2018: the last six days of 2018 are no one's.
    const whole = spec(null);
    expect(whole.buckets.filter((b) => b.uncovered).map((b) => [b.start, b.uncovered])).toEqual([['2018-01-01', [{ from: '2018-12-26', to: '2018-12-31' }]]]);
    expect(whole.notes.join(' ')).toContain('Partly covered (a bar there may be low for that reason): 2018, no systematic source for 26–31 Dec 2018.');
    expect(buildChartSvg(whole).partlyCovered).toEqual(['2018']);
    // Asked only up to a covered day: nothing is missing from what was asked.
    expect(spec('2018-12-20').buckets.some((b) => b.uncovered)).toBe(false);
    const chart = await run('chart', { place: 'iraq', by: 'year' });
    expect(chart.content).toContain('covered only in part (its bar may be low for that reason): 2018.');
    const syria = await run('chart', { place: 'syria', by: 'year' });
    expect(syria.content).toContain('covered only in part (its bar may be low for that reason): 2019.'); // UCDP's Syria ends 30 Nov 2019
  });

  it('marks chart periods whose incidents give no injured figure as not stated, not as no one injured', () => {
    const sel = { placeId: 'iraq', from: null, to: null, actorId: 'islamic-state' };
    const spec = buildChartSpec(ds, { ...sel, placeLabel: 'Iraq', step: 'year', groupLabels: GROUP_LABEL }, selectIncidents(ds, sel));
    const svg = buildChartSvg(spec).svg;
    const marked = [...svg.matchAll(/<rect class="not-stated" [^>]*data-period="([\d-]+)"/g)].map((m) => m[1]);
    // UCDP GED gives deaths only: every year before 2019 has incidents and no injured figure.
    const expected = spec.buckets.filter((b) => b.incidents > 0 && !b.noData).map((b) => b.start);
    expect(expected.length).toBeGreaterThan(10);
    expect(marked).toEqual(expected);
    expect(marked).not.toContain('2019-01-01'); // the article gives injured figures there (and it is shaded no data)
    expect(svg.match(/class="not-stated-label"/g)).toHaveLength(1); // one run of years, labelled once
  });

  it("the digest counts the focus actor's incidents by default, and all recorded violence with actor:any", () => {
    const w = { day: '2019-11-26', previousDay: '2019-11-25', recordedIds: [], at: new Date('2019-11-27T06:00:00Z') };
    const onDay = ds.raw.incidents.filter((i) => i.date.date === '2019-11-26');
    const mine = onDay.filter((i) => involves(i, 'islamic-state'));
    expect(mine.length).toBeLessThan(onDay.length); // the default must leave some out
    const line = (actor?: string) => composeDigest(ds, w, { placeId: null, actor }, 'UTC').embeds![0]!.description!.split('\n')[0];
    expect(line()).toMatch(new RegExp(`: ${mine.length} incidents? involving the Islamic State\\.$`));
    expect(line('any')).toMatch(new RegExp(`: ${onDay.length} incidents \\(all recorded violence\\)\\.$`));
  });

  it('a digest for a day no source covers says so, instead of zeros', () => {
    const body = JSON.stringify(
      composeDigest(ds, { day: '2026-12-02', previousDay: '2026-12-01', recordedIds: [], at: new Date('2026-12-03T06:00:00Z') }, { placeId: null }, 'UTC'),
    );
    expect(body).toContain('No source covers **Wednesday 2 December 2026**');
    expect(body).toContain('the newest data is from 30 Nov 2019. This is a gap in the data, not a quiet day.');
    expect(body).not.toMatch(/Killed: 0|Incidents: 0|±0/);
  });

  it('compares periods only where a systematic source covers both, and says why not otherwise', () => {
    const body = JSON.stringify(
      composeDigest(ds, { day: '2019-08-22', previousDay: '2019-08-21', recordedIds: [], at: new Date('2019-08-23T06:00:00Z') }, { placeId: null }, 'UTC'),
    );
    expect(body).toContain('No change shown: no systematic source covers Iraq (24 Jun 2019 – 22 Aug 2019)');
    expect(body).toMatch(/\*\*Iraq\*\*: 3 incidents, 8 killed, 5 injured — no change shown/);
    expect(body).toMatch(/\*\*Syria\*\*: [\d,]+ incidents \([+−±]/); // Syria is covered both times: compared
  });

  it("a statistic without a period carries its source's date and stays out of periods it does not concern", async () => {
    const r = await run('attacks', { place: 'syria' });
    expect(field(r, /Statistics/)).toContain('living in the al Hol camp, as of late August 2019 (the article)');
    const old = await run('stats', { place: 'syria', from: '2016', to: '2017' });
    expect(JSON.stringify(old)).not.toContain('al Hol');
  });
});

describe('3. attribution follows every figure', () => {
  it('credits UCDP when its records are in the totals though the page shows only the article', async () => {
    const r = await run('attacks', { place: 'saladin', limit: 1 });
    expect(embed(r).description).toContain('saladin-oilfields-2019-07-29');
    expect(embed(r).footer!.text).toContain(attribution(UCDP));
    expect(embed(r).footer!.text).toContain(attribution(ARTICLE));
  });

  it("credits the article on a page of UCDP records whose totals include the article's", async () => {
    const r = await run('attacks', { place: 'saladin', limit: 1, page: 3 });
    expect(embed(r).description).toContain('ged-');
    expect(embed(r).description).not.toContain('saladin-oilfields-2019-07-29');
    expect(embed(r).footer!.text).toContain(attribution(ARTICLE));
    // …and credits no source with nothing among the matches.
    const syria2016 = await run('attacks', { place: 'syria', from: '2016', to: '2016' });
    expect(embed(syria2016).footer!.text).not.toContain(attribution(ARTICLE).slice(0, 40));
  });
});
