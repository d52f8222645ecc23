import nlp from 'compromise';
import * as chrono from 'chrono-node';
import { readFileSync } from 'node:fs';
const text = readFileSync('data/source-texts/is-comeback-iraq-syria-2019.txt','utf8');
let t=performance.now();
for (let i=0;i<20;i++){ const d=nlp.tokenize(text); d.json({text:true}); }
console.log('tokenize', (performance.now()-t)/20);
t=performance.now();
for (let i=0;i<20;i++){ const d=nlp(text); d.sentences().out('array'); }
console.log('full', (performance.now()-t)/20);
t=performance.now();
let s:any;
for (let i=0;i<20;i++){ s=nlp.tokenize(text).sentences().out('array'); }
console.log('tok sentences', (performance.now()-t)/20, s.length, s.slice(0,5));
t=performance.now();
for (let i=0;i<20;i++){ chrono.parse(text, {instant:new Date('2019-08-25'), timezone:0}, {forwardDate:false}); }
console.log('chrono', (performance.now()-t)/20);
console.log(chrono.parse(text, new Date('2019-08-25')).map(r=>[r.text, r.start.date().toISOString(), r.start.isCertain('year'), r.start.isCertain('day')]));
console.log(nlp('killed two Kurdish soldiers and injured twenty-three others, at least 11 people, dozens').numbers().json().map((n:any)=>[n.text,n.number]));
console.log(chrono.parse('on Sunday, late on Tuesday, on Monday night, a day later', new Date('2019-08-21T12:00:00Z')).map(r=>[r.text, r.start.date().toISOString()]));
