/**
 * A small, fixed dataset for the picture tests: five places in Syria (real names, so the country is
 * framed by its world-atlas outline) and six incidents chosen to exercise every drawing rule — two
 * incidents at one point (one merged marker), an exact, a "near", two province-level ones, one with no
 * casualty figures, and one dated only to a span that crosses a month boundary.
 */
import type { CommandContext } from '../commands/kit/command.ts';
import { Dataset } from '../src/core/dataset.ts';
import { Actor, Incident, Place, Source, type RawDataset } from '../src/schema/index.ts';

const place = (id: string, name: string, kind: Place['kind'], parentId: string | null, lat: number, lon: number) =>
  Place.parse({ id, name, kind, parentId, aliases: [], coordinates: { lat, lon } });

type Cas = { group: Incident['casualties'][number]['group']; killed: number | null; injured: number | null };

function incident(
  id: string,
  date: string | { date: string; end: string },
  placeId: string,
  precision: Incident['location']['precision'],
  coordinates: { lat: number; lon: number } | null,
  casualties: Cas[],
): Incident {
  return Incident.parse({
    id,
    sourceId: 'test-source',
    date: typeof date === 'string' ? { date, precision: 'exact' } : { ...date, precision: 'range' },
    placeId,
    location: { precision, coordinates, description: null },
    perpetratorId: 'test-group',
    target: null,
    weapons: null,
    casualties: casualties.map((c) => ({ ...c, actorId: null, label: c.group })),
    casualtyNote: casualties.length ? null : 'the source reports no casualties',
    claimed: null,
    summary: `Test incident ${id}.`,
    evidence: ['A sentence from the test source.'],
  });
}

export const FIXTURE_INCIDENTS = [
  incident('a1', '2019-07-01', 'aleppo', 'exact', { lat: 36.21, lon: 37.15 }, [{ group: 'civilians', killed: 10, injured: 5 }]),
  incident('a2', '2019-07-15', 'aleppo', 'exact', { lat: 36.21, lon: 37.15 }, [{ group: 'security-forces', killed: 2, injured: null }]),
  incident('r1', '2019-08-03', 'raqqa', 'near', null, [{ group: 'militants', killed: 30, injured: 0 }]),
  incident('d1', '2019-08-20', 'deir-ez-zor-governorate', 'province', null, [{ group: 'security-forces', killed: 4, injured: 1 }]),
  incident('n1', '2019-09-10', 'raqqa-governorate', 'province', null, []),
  incident('s1', { date: '2019-08-25', end: '2019-09-05' }, 'aleppo-governorate', 'province', null, [{ group: 'unknown', killed: 6, injured: null }]),
];

export function fixtureDataset(incidents: Incident[] = FIXTURE_INCIDENTS): Dataset {
  const raw: RawDataset = {
    sources: [
      Source.parse({
        id: 'test-source',
        kind: 'article',
        title: 'Test source',
        publisher: null,
        published: null,
        dateline: null,
        url: null,
        attribution: 'Test Source (a fixture for the picture tests)',
        licence: null,
      }),
    ],
    places: [
      place('syria', 'Syria', 'country', null, 35.0, 38.5),
      place('aleppo-governorate', 'Aleppo Governorate', 'province', 'syria', 36.2, 37.6),
      place('aleppo', 'Aleppo', 'city', 'aleppo-governorate', 36.2, 37.16),
      place('raqqa-governorate', 'Raqqa Governorate', 'province', 'syria', 35.7, 38.9),
      place('raqqa', 'Raqqa', 'city', 'raqqa-governorate', 35.95, 39.01),
      place('deir-ez-zor-governorate', 'Deir ez-Zor Governorate', 'province', 'syria', 35.3, 40.1),
    ],
    actors: [Actor.parse({ id: 'test-group', name: 'Test Group', kind: 'armed-group', aliases: ['TG'] })],
    incidents,
    statistics: [],
    quotes: [],
  };
  return new Dataset(raw);
}

export function fixtureContext(ds = fixtureDataset(), now = new Date('2019-10-01T09:00:00Z')): CommandContext {
  return { dataset: () => ds, now: () => now, invocation: { guildId: null, channelId: null, userId: null }, services: {} };
}
