import { format } from 'date-fns';
import type { ReplyPayload } from '../../commands/kit/payload.ts';

/** Discord markdown and timestamps made readable in a terminal. */
function plain(s: string): string {
  return s
    .replace(/<t:(\d+)(?::[a-zA-Z])?>/g, (_, secs: string) => format(new Date(Number(secs) * 1000), 'd MMM yyyy'))
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\s)_(.+?)_(?=\s|$|[.,;:])/gm, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

function indent(s: string, pad = '  '): string {
  return s
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** A reply as readable text: what the console and `ask` print. */
export function renderText(p: ReplyPayload, savedFiles: string[] = []): string {
  const out: string[] = [];
  if (p.flags && p.flags & 64) out.push('(only you can see this)');
  if (p.content) out.push(plain(p.content));
  for (const e of p.embeds ?? []) {
    const block: string[] = [];
    if (e.title) block.push(`== ${plain(e.title)} ==`);
    if (e.description) block.push(plain(e.description));
    for (const f of e.fields ?? []) block.push(`${plain(f.name)}:\n${indent(plain(f.value))}`);
    if (e.image?.url) block.push(`[image: ${e.image.url.replace('attachment://', '')}]`);
    if (e.footer?.text) block.push(`-- ${plain(e.footer.text)}`);
    out.push(block.join('\n'));
  }
  for (const row of p.components ?? [])
    out.push(
      row.components
        .map((c) => ('label' in c && c.label ? `[${c.label}${'disabled' in c && c.disabled ? ' (off)' : ''}]` : ''))
        .filter(Boolean)
        .join(' '),
    );
  for (const f of savedFiles) out.push(`Saved ${f}`);
  return out.join('\n\n');
}
