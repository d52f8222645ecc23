/**
 * The Edit button's modal: the fields of a draft a reviewer most often corrects, and reading them back
 * into an edited record. Discord's modals hold at most 5 text inputs, so each kind offers its five most
 * useful fields (incidents: day, place, killed, injured, summary); anything else is edited with
 * `npm run review -- approve <id> --set path=value`. A value that does not read names its field and
 * changes nothing; the edited record is then checked against the record's schema by ReviewStore.decide.
 */
import type { Dataset } from '../core/dataset.ts';
import { IsoDay, type Incident, type Quote, type Statistic } from '../schema/index.ts';
import { reviewCustomId } from './review-message.ts';
import type { Draft, DraftRecord } from './review-store.ts';

/** Discord: a text input's label is at most 45 characters, its value at most 4000. */
const LABEL_MAX = 45;
const NOT_STATED = 'not stated';

/** A value in the modal that cannot be read; `field` is the label the reviewer saw. */
export class EditFieldError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'EditFieldError';
  }
}

interface FieldSpec<R> {
  id: string;
  label: string;
  /** 1: one line, 2: a paragraph. */
  style: 1 | 2;
  maxLength?: number;
  placeholder?: string;
  value(r: R): string;
  apply(r: R, text: string, ctx: EditContext): R;
}

export interface EditContext {
  draft: Draft;
  dataset: Dataset | null;
}

const clipLabel = (s: string) => (s.length <= LABEL_MAX ? s : `${s.slice(0, LABEL_MAX - 1)}…`);

function readDay(label: string, text: string): string {
  const t = text.trim();
  if (!IsoDay.safeParse(t).success) throw new EditFieldError(label, `"${t}" is not a calendar day written YYYY-MM-DD`);
  return t;
}

/** "3", "not stated" (or empty) → 3, null; anything else names the field. */
function readCount(label: string, text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === NOT_STATED || t === '-') return null;
  if (!/^\d{1,6}$/.test(t) || Number(t) > 100_000) throw new EditFieldError(label, `"${text.trim()}" is not a whole number of people (or "not stated")`);
  return Number(t);
}

/** One count per casualty group, comma-separated, in the order the label names them. */
function perGroup(kind: 'killed' | 'injured'): FieldSpec<Incident> {
  return {
    id: kind,
    label: '',
    style: 1,
    maxLength: 200,
    placeholder: 'a number, or "not stated"; one per group, comma-separated',
    value: (r) => r.casualties.map((c) => (c[kind] === null ? NOT_STATED : String(c[kind]))).join(', '),
    apply(r, text, ctx) {
      const label = labelFor(this, r, ctx);
      const parts = text.split(',');
      if (parts.length !== r.casualties.length)
        throw new EditFieldError(
          label,
          `give ${r.casualties.length} value${r.casualties.length === 1 ? '' : 's'} (one per group, comma-separated), not ${parts.length}`,
        );
      return { ...r, casualties: r.casualties.map((c, n) => ({ ...c, [kind]: readCount(label, parts[n]!) })) };
    },
  };
}

function readPlace(label: string, text: string, current: string, ctx: EditContext): string {
  const t = text.trim();
  if (t === current) return current;
  if (ctx.draft.bundle.places.some((p) => p.id === t) || ctx.dataset?.gazetteer.get(t)) return t;
  const found = ctx.dataset?.gazetteer.resolve(t);
  if (found?.kind === 'found') return found.id;
  const hint = found?.kind === 'not-found' && found.suggestions.length ? ` (did you mean ${found.suggestions.slice(0, 3).join(', ')}?)` : '';
  throw new EditFieldError(label, `no place "${t}" in the gazetteer${hint}`);
}

const INCIDENT_FIELDS: FieldSpec<Incident>[] = [
  {
    id: 'day',
    label: 'Day (YYYY-MM-DD)',
    style: 1,
    maxLength: 10,
    value: (r) => r.date.date,
    apply: (r, text) => {
      const date = readDay('Day (YYYY-MM-DD)', text);
      return date === r.date.date ? r : { ...r, date: { ...r.date, date } };
    },
  },
  {
    id: 'place',
    label: 'Place (a name or place id)',
    style: 1,
    maxLength: 100,
    value: (r) => r.placeId,
    apply: (r, text, ctx) => ({ ...r, placeId: readPlace('Place (a name or place id)', text, r.placeId, ctx) }),
  },
  perGroup('killed'),
  perGroup('injured'),
  {
    id: 'summary',
    label: 'Summary (one line, our own words)',
    style: 2,
    maxLength: 200,
    value: (r) => r.summary,
    apply: (r, text) => {
      const t = text.trim();
      if (!t) throw new EditFieldError('Summary (one line, our own words)', 'is empty');
      return { ...r, summary: t };
    },
  },
];

const nullableText = (text: string): string | null => {
  const t = text.trim();
  return t === '' || t.toLowerCase() === NOT_STATED ? null : t;
};

const QUOTE_FIELDS: FieldSpec<Quote>[] = [
  {
    id: 'text',
    label: 'Text (a quotation must match the evidence)',
    style: 2,
    maxLength: 4000,
    value: (r) => r.text,
    apply: (r, text) => {
      const t = text.trim();
      if (!t) throw new EditFieldError('Text', 'is empty');
      return { ...r, text: t };
    },
  },
  {
    id: 'day',
    label: 'Day (YYYY-MM-DD, or "not stated")',
    style: 1,
    maxLength: 20,
    value: (r) => r.date?.date ?? NOT_STATED,
    apply: (r, text) => {
      if (nullableText(text) === null) return { ...r, date: null };
      const date = readDay('Day (YYYY-MM-DD, or "not stated")', text);
      return date === r.date?.date ? r : { ...r, date: r.date ? { ...r.date, date } : { date, precision: 'exact' } };
    },
  },
  {
    id: 'venue',
    label: 'Venue (or "not stated")',
    style: 1,
    maxLength: 200,
    value: (r) => r.venue ?? NOT_STATED,
    apply: (r, text) => ({ ...r, venue: nullableText(text) }),
  },
  {
    id: 'context',
    label: 'Context (our words)',
    style: 2,
    maxLength: 1000,
    value: (r) => r.context,
    apply: (r, text) => {
      const t = text.trim();
      if (!t) throw new EditFieldError('Context (our words)', 'is empty');
      return { ...r, context: t };
    },
  },
];

const QUALIFIERS = ['exact', 'approximately', 'nearly', 'at-least'] as const;

const STATISTIC_FIELDS: FieldSpec<Statistic>[] = [
  {
    id: 'value',
    label: 'Value (a whole number)',
    style: 1,
    maxLength: 12,
    value: (r) => String(r.value),
    apply: (r, text) => {
      const t = text.trim();
      if (!/^\d{1,12}$/.test(t)) throw new EditFieldError('Value (a whole number)', `"${t}" is not a whole number`);
      return { ...r, value: Number(t) };
    },
  },
  {
    id: 'qualifier',
    label: 'Qualifier',
    style: 1,
    maxLength: 20,
    placeholder: 'exact, approximately, nearly or at-least',
    value: (r) => r.qualifier,
    apply: (r, text) => {
      const t = text.trim().toLowerCase();
      const q = QUALIFIERS.find((x) => x === t);
      if (!q) throw new EditFieldError('Qualifier', `"${text.trim()}" is not one of ${QUALIFIERS.join(', ')}`);
      return { ...r, qualifier: q };
    },
  },
  {
    id: 'description',
    label: 'What is counted',
    style: 2,
    maxLength: 500,
    value: (r) => r.description,
    apply: (r, text) => {
      const t = text.trim();
      if (!t) throw new EditFieldError('What is counted', 'is empty');
      return { ...r, description: t };
    },
  },
  {
    id: 'unit',
    label: 'Unit',
    style: 1,
    maxLength: 100,
    value: (r) => r.unit,
    apply: (r, text) => {
      const t = text.trim();
      if (!t) throw new EditFieldError('Unit', 'is empty');
      return { ...r, unit: t };
    },
  },
];

function labelFor(spec: Pick<FieldSpec<unknown>, 'id' | 'label'>, r: DraftRecord, _ctx?: EditContext): string {
  if (spec.id === 'killed' || spec.id === 'injured') {
    const groups = (r as Incident).casualties.map((c) => c.label).join(', ');
    return clipLabel(`${spec.id === 'killed' ? 'Killed' : 'Injured'} (${groups})`);
  }
  return clipLabel(spec.label);
}

/** The fields the modal offers for this draft (at most 5); an incident with no casualty group has no killed/injured inputs. */
function fieldsFor(draft: Draft): FieldSpec<DraftRecord>[] {
  const specs = (draft.kind === 'incident' ? INCIDENT_FIELDS : draft.kind === 'quote' ? QUOTE_FIELDS : STATISTIC_FIELDS) as FieldSpec<DraftRecord>[];
  const noGroups = draft.kind === 'incident' && (draft.record as Incident).casualties.length === 0;
  return specs.filter((s) => !(noGroups && (s.id === 'killed' || s.id === 'injured'))).slice(0, 5);
}

export interface ModalBody {
  custom_id: string;
  title: string;
  components: {
    type: 1;
    components: { type: 4; custom_id: string; style: 1 | 2; label: string; value: string; required: boolean; max_length: number; placeholder?: string }[];
  }[];
}

/** The modal for a draft, its inputs filled with the current values. */
export function editModal(draft: Draft): ModalBody {
  return {
    custom_id: reviewCustomId('modal', draft),
    title: `Edit draft #${draft.id}, then approve`.slice(0, 45),
    components: fieldsFor(draft).map((s) => {
      const maxLength = s.maxLength ?? 4000;
      return {
        type: 1,
        components: [
          {
            type: 4,
            custom_id: s.id,
            style: s.style,
            label: labelFor(s, draft.record),
            value: s.value(draft.record).slice(0, maxLength),
            required: s.id !== 'venue',
            max_length: maxLength,
            ...(s.placeholder ? { placeholder: s.placeholder } : {}),
          },
        ],
      };
    }),
  };
}

/**
 * The record with the submitted values; throws EditFieldError naming the first field that does not read.
 * A field missing from the submission keeps its value.
 */
export function applyEdit(draft: Draft, values: ReadonlyMap<string, string>, dataset: Dataset | null): DraftRecord {
  let record = structuredClone(draft.record);
  const ctx: EditContext = { draft, dataset };
  for (const spec of fieldsFor(draft)) {
    const text = values.get(spec.id);
    if (text === undefined) continue;
    record = spec.apply(record, text, ctx);
  }
  return record;
}
