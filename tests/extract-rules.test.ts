/**
 * Issue 12's extraction rules, one by one, on short passages written for the test, against the real
 * dataset (gazetteer, actors, existing incidents).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../src/core/dataset.ts';
import { shippedDataset } from '../testkit/shipped-dataset.ts';
import { type Extraction, extractArticle } from '../src/extract/extract-article.ts';
import { extractionData } from '../src/extract/link.ts';

let ds: Dataset;
beforeAll(() => {
  ds = shippedDataset();
});
const extract = (text: string, published: string): Extraction => extractArticle({ text, published }, extractionData(ds));
const only = (x: Extraction) => {
  expect(x.incidents).toHaveLength(1);
  return x.incidents[0]!;
};
const killed = (x: Extraction['incidents'][number]) => x.casualties.reduce<number | null>((s, c) => (c.killed === null ? s : (s ?? 0) + c.killed), null);

describe('days, anchored on the publication date', () => {
  // 2024-05-15 is a Wednesday.
  it.each([
    ['on Sunday', '2024-05-12'],
    ['late on Tuesday', '2024-05-14'],
    ['on Monday night', '2024-05-13'],
    ['on Wednesday', '2024-05-15'],
    ['on May 2', '2024-05-02'],
  ])('"%s" is %s', (when, day) => {
    const inc = only(extract(`IS militants killed two soldiers in Diyala province ${when}, officials said.`, '2024-05-15'));
    expect(inc.date).toEqual({ date: day, precision: 'exact' });
  });

  it('a date without a year is the last one on or before publication', () => {
    expect(only(extract('On December 30, IS militants killed a shepherd in Anbar province.', '2024-01-04')).date.date).toBe('2023-12-30');
  });

  it.each([
    ['A day later, a bomb killed three policemen in Kirkuk.', 1, '2024-05-13'],
    ['Two days after the attack, a bomb killed three policemen in Kirkuk.', 2, '2024-05-14'],
  ])('"%s" is derived from the incident before it', (second, offset, day) => {
    const x = extract(`On Sunday, IS militants killed two soldiers in Diyala province. ${second}`, '2024-05-15');
    expect(x.incidents).toHaveLength(2);
    expect(x.incidents[1]!.date).toMatchObject({ date: day, precision: 'derived', derivedFrom: { ref: x.incidents[0]!.id, offsetDays: offset } });
  });

  it('background is not an incident', () => {
    const x = extract(
      'Iraq declared victory over IS in December 2017. In August 2014, the group killed thousands of Yazidis around Sinjar. On Aug. 3, 2014, IS fighters attacked Sinjar, killing hundreds.',
      '2024-05-15',
    );
    expect(x.incidents).toEqual([]);
  });
});

describe('places', () => {
  it('the most specific place named, not one in the background', () => {
    const inc = only(
      extract(
        'On Sunday, IS militants attacked an army post near Tikrit in Saladin province, for the first time since the army retook Mosul in 2017, killing one soldier.',
        '2024-05-15',
      ),
    );
    expect(inc.placeId).toBe('tikrit');
    expect(inc.location.precision).toBe('near');
  });

  it('transliterations match as in the commands', () => {
    expect(only(extract('On Sunday, gunmen killed two farmers in Salahuddin province.', '2024-05-15')).placeId).toBe('saladin-province');
  });

  it('a town missing from the gazetteer becomes a draft place under the province given, without coordinates', () => {
    const x = extract('On Sunday, IS militants killed three shepherds in the village of Umm Khanjar in Kirkuk province.', '2024-05-15');
    expect(x.places).toEqual([{ id: 'umm-khanjar', name: 'Umm Khanjar', kind: 'city', parentId: 'kirkuk-governorate', aliases: [], coordinates: null }]);
    expect(only(x).placeId).toBe('umm-khanjar');
  });

  it('the dateline is where the report was filed, not where the attack was', () => {
    expect(only(extract('BAGHDAD – A roadside bomb killed two soldiers in Anbar province on Sunday, the military said.', '2024-05-15')).placeId).toBe(
      'anbar-province',
    );
  });
});

describe('perpetrator and claim', () => {
  it('only when the text says who', () => {
    expect(only(extract('Unidentified gunmen shot dead a police officer in Kirkuk on Sunday.', '2024-05-15')).perpetratorId).toBeNull();
    expect(
      only(
        extract('No group claimed the bombing in Kirkuk on Sunday, which killed two people, but IS has carried out similar attacks in the past.', '2024-05-15'),
      ).perpetratorId,
    ).toBeNull();
  });

  it('an operation by security forces that kills IS militants is not an IS attack', () => {
    const inc = only(extract('Iraqi warplanes struck an IS hideout in Anbar province on Friday, killing six militants, the military said.', '2024-05-15'));
    expect(inc.perpetratorId).toBe('iraqi-security-forces');
    expect(inc.casualties).toEqual([expect.objectContaining({ group: 'militants', killed: 6 })]);
  });

  it('a claim by the group sets claimed and the perpetrator', () => {
    const inc = only(
      extract('Islamic State claimed responsibility for an attack on Sunday that killed four Peshmerga fighters in Erbil province.', '2024-05-15'),
    );
    expect(inc).toMatchObject({ perpetratorId: 'islamic-state', claimed: true });
  });
});

describe('casualties', () => {
  it('number words and digits, per group', () => {
    const inc = only(extract('On Sunday, IS militants killed twenty-three soldiers and wounded 12 civilians in Diyala province.', '2024-05-15'));
    expect(inc.casualties.map((c) => [c.group, c.killed, c.injured])).toEqual([
      ['security-forces', 23, null],
      ['civilians', null, 12],
    ]);
  });

  it('"at least 11" is 11 with the words in the note', () => {
    const c = only(extract('At least 11 people were killed when a car bomb exploded in Baghdad on Sunday.', '2024-05-15')).casualties[0]!;
    expect(c.killed).toBe(11);
    expect(c.note).toContain('At least 11');
  });

  it('"dozens", "several" and "a number of" give no figure, only the note; an unstated figure is null, never 0', () => {
    const inc = only(
      extract(
        'Dozens of IS militants attacked an army post in Diyala province on Sunday, and several soldiers were killed. A number of the attackers were wounded.',
        '2024-05-15',
      ),
    );
    expect(inc.casualties).toEqual([]);
    expect(inc.casualtyNote).toMatch(/several soldiers were killed/);
    expect(inc.casualtyNote).toMatch(/A number of the attackers were wounded/);
    expect(killed(inc)).toBeNull();
  });
});

describe('one incident per event', () => {
  it('the headline and the body telling the same attack give one record', () => {
    const x = extract(
      'Bomb kills four soldiers in Anbar\n\nA roadside bomb killed four Iraqi soldiers in Anbar province on Sunday, the military said. The blast also wounded two soldiers.',
      '2024-05-15',
    );
    const inc = only(x);
    expect([killed(inc), inc.casualties[0]!.injured]).toEqual([4, 2]);
    expect(inc.evidence).toHaveLength(2);
  });

  it('two attacks in one sentence give two', () => {
    const x = extract(
      'On Saturday, a roadside bomb killed two policemen near Tikrit in Saladin province, while in Diyala province gunmen shot dead a shepherd.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => [i.placeId, i.date.date, killed(i)])).toEqual([
      ['tikrit', '2024-05-11', 2],
      ['diyala-province', '2024-05-11', 1],
    ]);
  });
});

describe('statistics', () => {
  it("a monitor's count over a period with its sub-counts", () => {
    const x = extract(
      'The Syrian Observatory for Human Rights documented the killing by IS of 147 troops in Syria between March 24 and June 17. Those killed, the observatory said, included two Russian soldiers.',
      '2019-08-23',
    );
    expect(x.incidents).toEqual([]);
    const [total, sub] = x.statistics;
    expect(total).toMatchObject({
      kind: 'casualty-count',
      reporterId: 'sohr',
      value: 147,
      outcome: 'killed',
      perpetratorId: 'islamic-state',
      period: { from: { date: '2019-03-24' }, to: { date: '2019-06-17' } },
      placeIds: ['syria'],
    });
    expect(sub).toMatchObject({ value: 2, parentId: total!.id, reporterId: 'sohr' });
  });

  it('a context figure with the date it refers to', () => {
    const x = extract('A United Nations report published in July estimated that the group still had about 2,500 fighters in Syria and Iraq.', '2024-09-05');
    expect(x.statistics).toEqual([
      expect.objectContaining({
        kind: 'context',
        value: 2500,
        qualifier: 'approximately',
        period: { from: { date: '2024-07-01', end: '2024-07-31', precision: 'range' }, to: { date: '2024-07-01', end: '2024-07-31', precision: 'range' } },
      }),
    ]);
  });
});

describe('quotes', () => {
  it('words in quotation marks verbatim, with the speaker and role the text gives', () => {
    const x = extract('“We heard the blast and then everyone was running,” said Hussein Ali, a shopkeeper in the market.', '2024-05-15');
    const q = x.quotes.find((k) => k.kind === 'direct')!;
    expect(q.text).toBe('We heard the blast and then everyone was running');
    expect(x.actors.find((a) => a.id === q.speakerId)).toMatchObject({ name: 'Hussein Ali', kind: 'person', role: 'shopkeeper' });
  });

  it('unnamed sources and organisations are speakers too', () => {
    const x = extract(
      '“They move at night,” a senior US defence official said. The Ministry of Peshmerga said in a statement: “The threat has not ended.”',
      '2024-05-15',
    );
    const speakers = x.quotes.filter((q) => q.kind === 'direct').map((q) => x.actors.find((a) => a.id === q.speakerId));
    expect(speakers.map((a) => [a?.name, a?.kind])).toEqual([
      ['Senior US defence official', 'person'],
      ['Ministry of Peshmerga', 'organisation'],
    ]);
    expect(speakers[0]!.description).toBe('Not named by the source.');
  });

  it('reported speech is a paraphrase, never direct; a programme title is not a quote', () => {
    const x = extract('Pompeo said on “CBS This Morning” that the group had been weakened but remained a risk.', '2024-05-15');
    expect(x.quotes.map((q) => [q.kind, q.speakerId])).toEqual([['paraphrase', 'mike-pompeo']]);
  });

  it('a quote sentence after a quoted speaker keeps that speaker; "he added" is the person just quoted', () => {
    const x = extract('“It’s complicated,” Pompeo said. “The caliphate is gone,” he added. “We’ve taken down significant risk.”', '2024-05-15');
    expect(x.quotes.map((q) => [q.kind, q.speakerId, q.text])).toEqual([
      ['direct', 'mike-pompeo', 'It’s complicated'],
      ['direct', 'mike-pompeo', 'The caliphate is gone'],
      ['direct', 'mike-pompeo', 'We’ve taken down significant risk.'],
    ]);
  });
});

describe('the seed article', () => {
  const text = readFileSync(new URL('../data/source-texts/is-comeback-iraq-syria-2019.txt', import.meta.url), 'utf8');

  it('each draft links to the hand-curated record of the same event', () => {
    const x = extract(text, '2019-08-23');
    expect(x.incidents.map((i) => i.matches)).toEqual([
      ['saladin-oilfields-2019-07-29'],
      ['sulaymaniyah-security-post-2019-07-31'],
      ['diyala-police-2019-08-22'],
      ['daraa-security-post-2019-07-28'],
      ['homs-army-2019-08-18'],
    ]);
  });

  it('a draft in a town the gazetteer lacks links through the province the town lies in', () => {
    const inc = only(extract('On July 29, IS militants attacked the village of Albu Hardan in Saladin province, killing a guard.', '2019-08-01'));
    expect(inc.placeId).toBe('albu-hardan');
    expect(inc.matches).toEqual(['saladin-oilfields-2019-07-29']);
  });

  it('evidence is the exact sentences of the article', () => {
    const x = extract(text, '2019-08-23');
    const flat = text.replace(/\s+/g, ' ');
    for (const r of [...x.incidents, ...x.quotes, ...x.statistics]) for (const e of r.evidence) expect(flat).toContain(e);
  });
});

// Rules added for the genre's habits (issue 12, second round); 2024-05-15 is a Wednesday.
describe('genre habits: spellings, relative days, phrase counts, claims, speakers, counts of attacks', () => {
  const injured = (x: Extraction['incidents'][number]) => x.casualties.reduce<number | null>((s, c) => (c.injured === null ? s : (s ?? 0) + c.injured), null);

  it.each([
    ['Baiji', 'bayji'],
    ['Makhmour', 'makhmur'],
    ['Qayyarah', 'al-qayyarah'],
    ['Tal Afar', 'tall-afar'],
    ['Tuz Khurmatu', 'tuzkhurmatu'],
    ['Muqdadiya', 'miqdadiyah'],
    ['Abu Kamal', 'albu-kamal'],
  ])('"%s" is the gazetteer\'s %s (news spelling: "al-", final h, doubled letters, spaces, English vowels)', (name, id) => {
    expect(only(extract(`On Sunday, a roadside bomb killed two soldiers near ${name}, officials said.`, '2024-05-15')).placeId).toBe(id);
  });

  it('another spelling is matched only where the text says it is a place, and never across provinces', () => {
    expect(extract('On Sunday, Baiji residents said a bomb killed two soldiers.', '2024-05-15').incidents.map((i) => i.placeId)).not.toContain('bayji');
    // Several Sadiyahs lie in different provinces: no guess.
    expect(extract('On Sunday, a roadside bomb killed two soldiers near Saadiya, officials said.', '2024-05-15').incidents.map((i) => i.placeId)).not.toContain(
      'sadiyah',
    );
  });

  it('"A day earlier" is anchored on the day of the attack told before', () => {
    const x = extract(
      'IS militants killed two soldiers near Kirkuk on Tuesday night. A day earlier, a roadside bomb killed a shepherd in Diyala province.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => i.date.date)).toEqual(['2024-05-14', '2024-05-13']);
  });

  it('the doer after a passive verb: "were killed when IS militants attacked"', () => {
    const inc = only(
      extract(
        'Two soldiers were killed and three others were also wounded when Islamic State militants attacked their post near Kirkuk on Sunday.',
        '2024-05-15',
      ),
    );
    expect([inc.perpetratorId, killed(inc), injured(inc)]).toEqual(['islamic-state', 2, 3]);
  });

  it('counts in phrases: "a commander and two of his aides", "three soldiers and a civilian", "killing two policemen and a driver"', () => {
    expect(
      killed(only(extract('Iraqi warplanes struck a hideout in Anbar province on Sunday, killing an IS commander and two of his aides.', '2024-05-15'))),
    ).toBe(3);
    expect(
      killed(
        only(
          extract(
            'A senior commander of a tribal force and three of his guards were killed on Sunday when gunmen ambushed their car in Diyala province.',
            '2024-05-15',
          ),
        ),
      ),
    ).toBe(4);
    expect(
      injured(only(extract('On Sunday, a bomb exploded near a market in Kirkuk. Two policemen and a child were wounded in the blast.', '2024-05-15'))),
    ).toBe(3);
    expect(killed(only(extract('A car bomb killed two policemen and a taxi driver in Mosul on Sunday.', '2024-05-15')))).toBe(3);
  });

  it('bodies found after an abduction: the dead are counted, the day is the abduction', () => {
    const inc = only(extract('The bodies of three farmers kidnapped by gunmen on Sunday were found on Tuesday near Kirkuk, police said.', '2024-05-15'));
    expect([inc.date.date, killed(inc)]).toEqual(['2024-05-12', 3]);
  });

  it('"..., while in X ..." is a second attack even in the same province', () => {
    const x = extract('Gunmen shot dead a policeman in Hajin on Sunday, while in Diban a landmine killed two children.', '2024-05-15');
    expect(x.incidents.map((i) => [i.placeId, killed(i)])).toEqual([
      ['hajin', 1],
      ['diban', 2],
    ]);
  });

  it('claims through Amaq or in a statement posted online; a claim naming a town goes to the attack there', () => {
    const x = extract(
      'IS gunmen killed two SDF fighters in Hajin on Sunday, while in Diban a bomb killed a farmer. The group claimed the Hajin attack through its Amaq news agency.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => i.claimed)).toEqual([true, null]);
    const y = only(extract('Islamic State said in a statement posted online that its fighters killed three policemen near Kirkuk on Monday.', '2024-05-15'));
    expect(y).toMatchObject({ perpetratorId: 'islamic-state', claimed: true });
  });

  it('an event told as "last month" is not the one reported now', () => {
    const inc = only(
      extract('Coalition aircraft killed four IS militants near Qaim on Sunday. A bomb wounded two border guards near Qaim last month.', '2024-05-15'),
    );
    expect([inc.perpetratorId, killed(inc), injured(inc)]).toEqual(['us-forces', 4, null]);
  });

  it('Iraqi jets and army aviation are Iraqi forces, never IS', () => {
    expect(only(extract('On Sunday, Iraqi F-16 jets bombed a hideout near Rutba, killing five militants.', '2024-05-15')).perpetratorId).toBe(
      'iraqi-security-forces',
    );
  });

  it('quotes: "the statement said" is the group that issued it; ", saying “…”" is the subject; "a relative told reporters" then "he said"', () => {
    const a = extract(
      'IS said in a statement posted online that its fighters attacked a patrol in Kirkuk on Sunday. “We will strike them everywhere,” the statement said.',
      '2024-05-15',
    );
    expect(a.quotes.find((q) => q.kind === 'direct')).toMatchObject({ text: 'We will strike them everywhere', speakerId: 'islamic-state' });
    const b = extract(
      'IS claimed the attack in Kirkuk on Sunday through its Amaq agency, saying its men had killed “five apostate soldiers” at dawn.',
      '2024-05-15',
    );
    expect(b.quotes.find((q) => q.kind === 'direct')).toMatchObject({ text: 'five apostate soldiers', speakerId: 'islamic-state' });
    const c = extract('Gunmen killed a farmer in Kirkuk on Sunday, a relative told reporters. “He had no enemies,” he said.', '2024-05-15');
    const q = c.quotes.find((x) => x.kind === 'direct')!;
    expect(q.text).toBe('He had no enemies');
    expect(c.actors.find((x) => x.id === q.speakerId)?.name).toMatch(/relative/i);
  });

  it('statistics: a count of attacks since the start of the year, and "between 400 and 500 fighters"', () => {
    const x = extract(
      'The Syrian Observatory for Human Rights said it had documented 45 attacks by IS in Deir ez-Zor province since the start of the year.',
      '2024-05-15',
    );
    expect(x.statistics[0]).toMatchObject({
      value: 45,
      unit: 'attacks',
      outcome: null,
      perpetratorId: 'islamic-state',
      period: { from: { date: '2024-01-01' }, to: { date: '2024-05-15' } },
    });
    const y = extract('Between 300 and 400 IS fighters remain in the desert of Anbar province, according to a security source.', '2024-05-15');
    expect(y.statistics[0]).toMatchObject({ value: 300, qualifier: 'at-least', description: expect.stringContaining('between 300 and 400') });
  });
});

describe('genre habits: abductions and family members', () => {
  it('"Two farmers were abducted on Friday ... Their bodies were found on Sunday": one incident on the abduction day, two killed', () => {
    const inc = only(extract('Two farmers were abducted on Friday near Kirkuk. Their bodies were found on Sunday.', '2024-05-15'));
    expect([inc.date.date, killed(inc)]).toEqual(['2024-05-10', 2]);
  });
  it('an abduction alone gives no killed figure', () => {
    expect(killed(only(extract('Gunmen kidnapped two farmers near Kirkuk on Friday, police said.', '2024-05-15')))).toBeNull();
  });
  it('"Five members of the same family were shot dead"', () => {
    expect(killed(only(extract('Five members of the same family were shot dead on Monday near Khanaqin.', '2024-05-15')))).toBe(5);
  });
});

describe('genre habits: days counted from another day, owners of attacks, the Badia', () => {
  it('"on the eve of the attack" is the day before it, "in the same area" its place', () => {
    const x = extract(
      'IS militants attacked a village near Kirkuk on Thursday, killing two shepherds. On the eve of the attack, a landmine killed a child in the same area.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => [i.date.date, i.placeId, killed(i)])).toEqual([
      ['2024-05-09', 'kirkuk', 2],
      ['2024-05-08', 'kirkuk', 1],
    ]);
  });
  it('"said on Tuesday it had killed ... the previous day" is counted from the day of the statement', () => {
    expect(
      only(extract('The Counter-Terrorism Service said on Tuesday it had killed four IS fighters in Kirkuk province the previous day.', '2024-05-15')).date
        .date,
    ).toBe('2024-05-13');
  });
  it('"in an IS attack" names the perpetrator', () => {
    expect(only(extract('Two soldiers were killed in an IS attack near Makhmour on Saturday.', '2024-05-15')).perpetratorId).toBe('islamic-state');
  });
  it('the Badia is the Syrian desert of the gazetteer', () => {
    const x = extract('The Syrian Observatory for Human Rights said IS cells had killed 58 soldiers in the Badia since the beginning of 2024.', '2024-05-15');
    expect(x.statistics[0]).toMatchObject({ value: 58, placeIds: ['syrian-badia-syrian-desert'], period: { from: { date: '2024-01-01' } } });
  });
});

describe('genre habits: running totals, earlier attacks, later deaths', () => {
  it('"brings to 14 the number of soldiers killed this month" is not the attack\'s toll', () => {
    expect(
      killed(
        only(
          extract(
            'IS militants killed three soldiers near Kirkuk on Sunday. The attack brings to 14 the number of soldiers killed in the province this month.',
            '2024-05-15',
          ),
        ),
      ),
    ).toBe(3);
  });
  it('"Last week, a similar attack ..." is an earlier attack, not part of this one', () => {
    expect(
      killed(
        only(
          extract(
            'A roadside bomb killed nine soldiers near Palmyra on Friday. Last week, a similar attack killed four soldiers in the same area.',
            '2024-05-15',
          ),
        ),
      ),
    ).toBe(9);
  });
  it('"a second soldier died of his wounds" adds one', () => {
    expect(
      killed(
        only(
          extract(
            'A soldier was killed on Monday night when IS militants attacked his unit near Kirkuk, and a second soldier died of his wounds on Tuesday.',
            '2024-05-15',
          ),
        ),
      ),
    ).toBe(2);
  });
});

describe('genre habits: possessives, inner particles, "the X area"', () => {
  it('"in Kirkuk\'s Daquq district" names places in Kirkuk province', () => {
    const x = extract("Militants killed two farmers in the village of Bir Ahmed in Kirkuk's Daquq district on Sunday.", '2024-05-15');
    const inc = only(x);
    expect(ds.gazetteer.ancestorOfKind(x.places.find((p) => p.id === inc.placeId)!.parentId!, 'province')?.id).toBe('kirkuk-governorate');
  });
  it('"Jisr al-Shughur" is the gazetteer\'s Jisr ash-Shughur; "the Makhmour area" is Makhmur', () => {
    expect(only(extract('IS fighters attacked a checkpoint in Jisr al-Shughur on Monday, killing two.', '2024-05-15')).placeId).toBe('jisr-ash-shughur');
    expect(only(extract('Five Iraqi soldiers were killed Saturday in an IS attack in the Makhmour area, a security source said.', '2024-05-15')).placeId).toBe(
      'makhmur',
    );
  });
});

describe('genre habits: the day of a statement anchors "the previous day"; "claimed an attack"', () => {
  it('"On Tuesday, the ministry said ... the previous day" is Monday', () => {
    expect(
      only(extract('On Tuesday, the Interior Ministry said militants had killed two policemen near Kirkuk the previous day.', '2024-05-15')).date.date,
    ).toBe('2024-05-13');
  });
  it('"IS claimed an attack ... that killed two soldiers" sets claimed', () => {
    expect(only(extract('IS claimed an attack near Baiji on Monday night that killed two soldiers.', '2024-05-15'))).toMatchObject({
      perpetratorId: 'islamic-state',
      claimed: true,
    });
  });
});

describe('genre habits: Amaq and appositive speakers', () => {
  it('Amaq speaks for IS: its claim is the group\'s, "said its fighters had ..." without "that" too', () => {
    const inc = only(
      extract('The Amaq news agency said its fighters had detonated a bomb against a Peshmerga vehicle near Kifri on Saturday, killing three.', '2024-05-15'),
    );
    expect(inc).toMatchObject({ perpetratorId: 'islamic-state', claimed: true });
  });
  it('"A spokesman for the SDF, Farhad Shami, said the operation “…”": the named person, the role from the text', () => {
    const x = extract('A spokesman for the SDF, Farhad Shami, said the operation “dealt a heavy blow to the cells”.', '2024-05-15');
    const q = x.quotes.find((y) => y.kind === 'direct')!;
    expect(q.text).toBe('dealt a heavy blow to the cells');
    expect(x.actors.find((a) => a.id === q.speakerId)).toMatchObject({ name: 'Farhad Shami', role: 'spokesman for the SDF' });
  });
});

// Third round (the issue-12 audit): causes found by articles 31-36, each written before the extractor ran on it.
describe('genre habits: forces by branch, late claims, report dates, speakers by office', () => {
  it.each([
    ['Iraqi special forces killed five IS militants in a raid in Anbar province on Monday.', 'iraqi-security-forces'],
    ['Iraqi counter-terrorism troops killed four IS militants near Hit on Monday.', 'iraqi-security-forces'],
    ['US special operations forces killed two IS leaders in a raid in Deir ez-Zor province on Monday.', 'us-forces'],
  ])('a nationality, a branch and "forces"/"troops" name that state\'s forces: "%s"', (text, forces) => {
    const inc = only(extract(text, '2024-05-15'));
    expect(inc.perpetratorId).toBe(forces);
    expect(inc.perpetratorId).not.toBe('islamic-state');
  });

  it('"US-backed" or "Iraqi Kurdish" forces are not the US\'s or Iraq\'s forces', () => {
    const x = extract('Iraqi tribal fighters killed two IS militants near Hit in Anbar province on Monday.', '2024-05-15');
    expect(only(x).perpetratorId).toBeNull();
  });

  it('"IS claimed the attack through Amaq" closing the story after the quotes is still that attack\'s claim', () => {
    const inc = only(
      extract(
        'IS militants attacked an army post near Tikrit in Saladin province on Sunday, killing two soldiers.\n\n“We were not expecting them,” a soldier said.\n\nIslamic State claimed the attack through its Amaq news agency.',
        '2024-05-15',
      ),
    );
    expect(inc).toMatchObject({ perpetratorId: 'islamic-state', claimed: true });
  });

  it('a figure from "a report published in July" refers to July even when July is long before publication', () => {
    const [s] = extract(
      'A United Nations report published in July estimated that the group still had about 2,500 fighters in Syria and Iraq.',
      '2024-11-20',
    ).statistics;
    expect(s).toMatchObject({ kind: 'context', value: 2500, period: { from: { date: '2024-07-01', end: '2024-07-31', precision: 'range' } } });
  });

  it('"the report said" in an article that names no known report is not a report of the dataset', () => {
    const x = extract(
      'A report by United Nations monitors estimated that IS had about 3,000 fighters in Iraq.\n\n“The group has lost territory, not intent,” the report said.',
      '2024-05-15',
    );
    const q = x.quotes.find((y) => y.kind === 'direct')!;
    expect(q.speakerId).not.toBe('pentagon-ig-report');
    expect(x.actors.find((a) => a.id === q.speakerId)).toMatchObject({ kind: 'report' });
  });

  it('"The mayor of the nearby district told reporters that ..." and "The governor of Kirkuk, Rakan al-Jubouri, said that ..." are paraphrases by them', () => {
    const x = extract(
      'The mayor of the nearby district told reporters that the shells had been fired from the hills east of the village. The governor of Kirkuk, Rakan al-Jubouri, said that the road would stay closed for a week.',
      '2024-05-15',
    );
    expect(x.quotes.map((q) => [q.kind, x.actors.find((a) => a.id === q.speakerId)?.name, x.actors.find((a) => a.id === q.speakerId)?.role])).toEqual([
      ['paraphrase', 'Mayor of the nearby district', 'Mayor of the nearby district'],
      ['paraphrase', 'Rakan al-Jubouri', 'governor of Kirkuk'],
    ]);
  });
});

describe('genre habits: towns named like English words', () => {
  it('"west of Hit" is the town of Hit; "Hit by a roadside bomb, ..." is the verb', () => {
    expect(only(extract('Iraqi troops killed three IS militants in the desert west of Hit in Anbar province on Monday.', '2024-05-15')).placeId).toBe('hit');
    expect(
      only(extract('Hit by a roadside bomb, an army truck burned near Ramadi in Anbar province on Monday, killing two soldiers.', '2024-05-15')).placeId,
    ).toBe('ramadi');
  });
});

describe('target, weapons, a month alone, no casualties', () => {
  it('target and weapons where stated; none where not', () => {
    const inc = only(
      extract(
        'IS militants attacked a police checkpoint with rocket-propelled grenades and machine guns near Tikrit on Sunday, killing two policemen.',
        '2024-05-15',
      ),
    );
    expect(inc).toMatchObject({ target: 'a police checkpoint', weapons: ['rocket-propelled grenades', 'machine guns'] });
    const bare = only(extract('Gunmen killed two farmers in Diyala province on Sunday.', '2024-05-15'));
    expect(bare).toMatchObject({ target: null, weapons: null });
  });

  it('a month alone is a range up to publication', () => {
    expect(only(extract('IS militants attacked a village in Diyala province in April, killing four farmers.', '2024-05-15')).date).toMatchObject({
      date: '2024-04-01',
      end: '2024-04-30',
      precision: 'range',
    });
  });

  it('"did not cause any casualties" is a note, not a figure of 0', () => {
    const inc = only(extract('A roadside bomb exploded near an army patrol in Kirkuk province on Sunday but did not cause any casualties.', '2024-05-15'));
    expect(inc.casualties).toEqual([]);
    expect(inc.casualtyNote).toContain('did not cause any casualties');
  });
});

describe('genre habits: counter-strikes, claims made on a later day', () => {
  it('"Russian jets then pounded hideouts in the same area" is another incident; defenders firing back are part of the attack', () => {
    const x = extract(
      'IS gunmen ambushed a convoy of Syrian troops near Palmyra in Homs province on Tuesday, killing nine soldiers. Russian jets then pounded hideouts in the same area, killing a dozen militants.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => [i.perpetratorId, i.placeId, i.date.date, killed(i)])).toEqual([
      ['islamic-state', 'tadmur-palmyra', '2024-05-14', 9],
      ['russian-forces', 'tadmur-palmyra', '2024-05-14', 12],
    ]);
    const one = extract(
      'On Sunday, IS militants attacked a police post in Diyala province, leaving two policemen dead. Iraqi policemen also succeeded in killing four IS militants.',
      '2024-05-15',
    );
    expect(killed(only(one))).toBe(6);
  });

  it('"The group claimed the bombing in a statement on Saturday" is the claim of the bombing told before, not an attack on Saturday', () => {
    const inc = only(
      extract(
        'BAQUBA, Iraq – A suicide bomber from the Islamic State killed twelve people at a funeral in Diyala province on Friday.\n\nThe group claimed the bombing in a statement on Saturday.',
        '2024-05-15',
      ),
    );
    expect(inc).toMatchObject({ date: { date: '2024-05-10' }, perpetratorId: 'islamic-state', claimed: true });
  });
});

describe('genre habits: toll updates, sub-counts in the same sentence', () => {
  it('"By Wednesday morning the death toll had risen to eight" updates the attack told before; its day is not another attack', () => {
    const inc = only(
      extract(
        'A car bomb exploded at a market in Al-Qaim in Anbar province on Tuesday evening, killing at least five people. By Wednesday morning the death toll had risen to eight, hospital sources said.',
        '2024-05-15',
      ),
    );
    expect([inc.date.date, killed(inc)]).toEqual(['2024-05-14', 8]);
  });

  it('"... had killed 96 members of the government forces since the start of the year, among them 12 officers": a count and its sub-count', () => {
    const [total, sub] = extract(
      'The Syrian Observatory for Human Rights said on Monday that IS attacks had killed 96 members of the government forces in the Syrian desert since the start of the year, among them 12 officers.',
      '2024-05-15',
    ).statistics;
    expect(total).toMatchObject({
      value: 96,
      reporterId: 'sohr',
      description: 'members of the government forces killed',
      period: { from: { date: '2024-01-01' } },
    });
    expect(sub).toMatchObject({ value: 12, parentId: total!.id, period: total!.period });
  });
});

describe('genre habits: "a third", "earlier this month", "a day after" another event', () => {
  it('"Two policemen were killed and a third was wounded"; "a third died later" adds one to the dead', () => {
    const one = only(
      extract('Two policemen were killed and a third was wounded when gunmen opened fire on their patrol in Tarmiyah on Sunday night.', '2024-05-15'),
    );
    expect(one.casualties.map((c) => [c.group, c.killed, c.injured])).toEqual([['security-forces', 2, 1]]);
    const two = only(
      extract('Two soldiers were killed and a third died later in hospital after a bomb hit their vehicle near Kirkuk on Sunday.', '2024-05-15'),
    );
    expect(killed(two)).toBe(3);
  });

  it('"earlier this month" is a range from the first of the month to publication', () => {
    expect(only(extract('IS militants killed a soldier at an outpost in Anbar province earlier this month.', '2024-05-15')).date).toMatchObject({
      date: '2024-05-01',
      end: '2024-05-15',
      precision: 'range',
    });
  });

  it('"said on Tuesday that its fighters had killed ..., a day after the cell attacked ..." is not a day after the statement', () => {
    const x = extract(
      'The Syrian Democratic Forces said on Tuesday that its fighters had killed three members of an IS cell in a village east of Raqqa, a day after the cell attacked a checkpoint in the same area.',
      '2024-05-15',
    );
    expect(x.incidents.map((i) => i.date.date)).not.toContain('2024-05-15');
    expect(x.incidents[0]).toMatchObject({ perpetratorId: 'sdf', date: { date: '2024-05-14' } });
  });
});
