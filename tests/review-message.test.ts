/** The review channel's message and edit modal, without Discord: limits, wording, custom ids, reading the form back. */
import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS } from '../commands/kit/discord-limits.ts';
import { ConfigError, loadAppConfig, loadConfig } from '../src/config.ts';
import { applyEdit, EditFieldError, editModal } from '../src/review/review-edit.ts';
import { parseReviewCustomId, reviewCustomId, reviewMessage, reviewNonce } from '../src/review/review-message.ts';
import type { Draft } from '../src/review/review-store.ts';
import { Quote, Statistic } from '../src/schema/index.ts';
import { seedDataset } from '../testkit/seed-dataset.ts';
import { INCIDENT, PLACE, SOURCE } from './fixtures/review-draft.ts';

const ds = seedDataset();

function draft(over: Partial<Draft> = {}): Draft {
  return {
    id: 12,
    articleId: 1,
    kind: 'incident',
    record: INCIDENT,
    bundle: { source: SOURCE, places: [PLACE], actors: [] },
    duplicateOf: null,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    edited: false,
    reviewChannelId: null,
    reviewMessageId: null,
    createdAt: Date.parse('2026-12-03T08:59:00Z'),
    ...over,
  };
}

const embedLength = (e: { title: string; description: string; footer: { text: string }; fields: { name: string; value: string }[] }) =>
  e.title.length + e.description.length + e.footer.text.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);

describe('the review message', () => {
  it("stays within Discord's embed limits with many long evidence sentences, and says how many are left out", () => {
    const evidence = Array.from({ length: 60 }, (_, i) => `Sentence ${i} of an invented long report, repeated to fill the room. `.repeat(4).trim());
    const m = reviewMessage(draft({ record: { ...INCIDENT, evidence, summary: 'x'.repeat(200) } }), ds);
    const e = m.embeds[0]!;
    expect(e.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
    expect(e.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
    expect(embedLength(e)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    for (const f of e.fields) expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedFieldValue);
    expect(e.description).toMatch(/…and \d+ more \(`npm run review -- show 12`\)$/);
    expect(m.components[0]!.components.map((c) => c.custom_id.length <= DISCORD_LIMITS.customId)).toEqual([true, true, true]);
  });

  it('a single evidence sentence longer than the room is shown cut, not left out', () => {
    const long = `A very long invented sentence ${'about the attack '.repeat(400)}ends here.`;
    const e = reviewMessage(draft({ record: { ...INCIDENT, evidence: [long] } }), ds).embeds[0]!;
    expect(e.description).toContain('> A very long invented sentence about the attack');
    expect(e.description).not.toContain('more (`npm run review');
    expect(embedLength(e)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(e.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
  });

  it('a figure the source does not give is "not stated", never 0', () => {
    const m = reviewMessage(draft({ record: { ...INCIDENT, casualties: [{ ...INCIDENT.casualties[0]!, injured: null }], weapons: null } }), ds);
    const fields = Object.fromEntries(m.embeds[0]!.fields.map((f) => [f.name, f.value]));
    expect(fields['Killed / injured per group']).toBe('civilians [civilians]: killed 3, injured not stated');
    expect(fields.Weapons).toBe('not stated');
    expect(fields['Possible duplicate']).toBe('none found');
  });

  it('a paraphrase is never shown in quotation marks; a direct quotation is', () => {
    const base = {
      id: 'q-test',
      sourceId: SOURCE.id,
      speakerId: 'mike-pompeo',
      text: 'the group remains a danger in the region',
      date: null,
      venue: null,
      context: 'asked about the group',
      evidence: ['An official said the group remains a danger in the region, speaking to reporters.'],
    };
    const para = Quote.parse({ ...base, kind: 'paraphrase', wording: 'verbatim' });
    const fields = (q: Quote) => Object.fromEntries(reviewMessage(draft({ kind: 'quote', record: q }), ds).embeds[0]!.fields.map((f) => [f.name, f.value]));
    expect(fields(para)['What was said (paraphrase)']).toBe(base.text);
    expect(fields(para).Venue).toBe('not stated');
    const direct = Quote.parse({ ...base, kind: 'direct' });
    expect(fields(direct).Quotation).toBe(`“${base.text}”`);
  });

  it('custom ids and nonces round-trip and fit Discord (a nonce is at most 25 characters)', () => {
    const d = draft({ id: 999_999_999 });
    expect(parseReviewCustomId(reviewCustomId('approve', d))).toEqual({ action: 'approve', draftId: 999_999_999, tag: d.createdAt.toString(36) });
    expect(parseReviewCustomId('rv:x:1:a')).toBeNull();
    expect(parseReviewCustomId('pg:attacks?place=syria')).toBeNull();
    expect(reviewNonce(d).length).toBeLessThanOrEqual(25);
  });
});

describe('the edit modal', () => {
  it('offers at most five inputs with labels within 45 characters, and reads them back', () => {
    const d = draft({
      record: {
        ...INCIDENT,
        casualties: [INCIDENT.casualties[0]!, { ...INCIDENT.casualties[0]!, label: 'Iraqi policemen', group: 'security-forces', killed: null, injured: 2 }],
      },
    });
    const modal = editModal(d);
    const inputs = modal.components.map((r) => r.components[0]!);
    expect(inputs).toHaveLength(5);
    for (const i of inputs) expect(i.label.length).toBeLessThanOrEqual(45);
    expect(inputs.find((i) => i.custom_id === 'killed')).toMatchObject({ label: 'Killed (civilians, Iraqi policemen)', value: '3, not stated' });
    const edited = applyEdit(d, new Map([['killed', '3, 1']]), ds) as typeof INCIDENT;
    expect(edited.casualties.map((c) => c.killed)).toEqual([3, 1]);
    expect(() => applyEdit(d, new Map([['killed', '3']]), ds)).toThrow(
      new EditFieldError('Killed (civilians, Iraqi policemen)', 'give 2 values (one per group, comma-separated), not 1'),
    );
    expect(() => applyEdit(d, new Map([['place', 'Atlantis']]), ds)).toThrow(/^Place \(a name or place id\): no place "Atlantis" in the gazetteer/);
  });

  it('a statistic offers its value, qualifier, description and unit', () => {
    const stat = Statistic.parse({
      id: 's-test',
      sourceId: SOURCE.id,
      kind: 'casualty-count',
      reporterId: null,
      description: 'civilians killed in the province',
      value: 40,
      qualifier: 'at-least',
      unit: 'people',
      outcome: 'killed',
      group: 'civilians',
      perpetratorId: null,
      period: null,
      placeIds: ['diyala-province'],
      parentId: null,
      evidence: ['At least 40 civilians were killed in the province, a monitor said.'],
    });
    const d = draft({ kind: 'statistic', record: stat });
    expect(editModal(d).components.map((r) => r.components[0]!.custom_id)).toEqual(['value', 'qualifier', 'description', 'unit']);
    expect(() => applyEdit(d, new Map([['qualifier', 'roughly']]), ds)).toThrow(/^Qualifier: "roughly" is not one of exact, approximately, nearly, at-least/);
    expect((applyEdit(d, new Map([['value', '41']]), ds) as Statistic).value).toBe(41);
  });
});

describe('REVIEW_CHANNEL_ID and REVIEWER_ROLE_ID', () => {
  const base = { DISCORD_TOKEN: 'MTIz.x.y', DISCORD_APPLICATION_ID: '1234567890123456789' };
  it('both set: the review settings', () => {
    expect(loadConfig({ ...base, REVIEW_CHANNEL_ID: '223456789012345678', REVIEWER_ROLE_ID: '323456789012345678' }).review).toEqual({
      channelId: '223456789012345678',
      reviewerRoleId: '323456789012345678',
    });
    expect(loadConfig({ ...base, REVIEW_CHANNEL_ID: '', REVIEWER_ROLE_ID: '' }).review).toBeUndefined();
  });

  it.each([
    [{ REVIEW_CHANNEL_ID: '223456789012345678' }, 'REVIEWER_ROLE_ID is required with REVIEW_CHANNEL_ID'],
    [{ REVIEWER_ROLE_ID: '323456789012345678' }, 'REVIEW_CHANNEL_ID is required with REVIEWER_ROLE_ID'],
    [{ REVIEW_CHANNEL_ID: '#review', REVIEWER_ROLE_ID: '323456789012345678' }, 'REVIEW_CHANNEL_ID must be a Discord channel id'],
  ])('one without the other, or a malformed id, is named: %o', (env, message) => {
    expect(() => loadAppConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadAppConfig({ ...base, ...env })).toThrow(message);
  });
});
