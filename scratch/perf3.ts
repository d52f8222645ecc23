import { readFileSync } from 'node:fs';
import * as chrono from 'chrono-node';
const text = readFileSync('data/source-texts/is-comeback-iraq-syria-2019.txt','utf8');
for (const loc of ['en','en-u-ss-standard']) {
const seg = new Intl.Segmenter(loc,{granularity:'sentence'});
console.log(loc, seg.resolvedOptions());
console.log([...seg.segment('The U.S. military said Mr. Smith arrived. Gen. Ali spoke. “It’s complicated,” Pompeo said when asked. “The caliphate is gone,” he added. “We’ve taken down risk.”\n\nNext para.')].map(x=>x.segment));
}
const seg = new Intl.Segmenter('en',{granularity:'sentence'});
const paras = text.split(/\n\s*\n/);
for (const p of paras) console.log([...seg.segment(p)].map(x=>x.segment.trim()).join('\n  | '));
for (let i=0;i<100;i++) chrono.parse(text, new Date('2019-08-25'));
let t=performance.now();
for (let i=0;i<100;i++) chrono.parse(text, new Date('2019-08-25'));
console.log('chrono', (performance.now()-t)/100);
