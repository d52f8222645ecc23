import nlp from 'compromise';
import { readFileSync } from 'node:fs';
const text = readFileSync('data/source-texts/is-comeback-iraq-syria-2019.txt','utf8');
const s = 'This attack came two days before IS militants killed two Kurdish soldiers and injured twenty-three others when they attacked a security post in Sulaymaniyah province in the Kurdistan region.';
for (let i=0;i<50;i++){ nlp(s).numbers().json(); nlp.tokenize(text).sentences().out('array'); }
let t=performance.now();
for (let i=0;i<200;i++){ nlp(s).numbers().json(); }
console.log('numbers per sentence', (performance.now()-t)/200);
t=performance.now();
for (let i=0;i<50;i++){ nlp.tokenize(text).sentences().out('array'); }
console.log('tokenize sentences', (performance.now()-t)/50);
const seg = new Intl.Segmenter('en',{granularity:'sentence'});
t=performance.now();
let out:string[]=[];
for (let i=0;i<50;i++){ out=[...seg.segment(text)].map(x=>x.segment); }
console.log('segmenter', (performance.now()-t)/50, out.length);
console.log(nlp('The U.S. military said Mr. Smith arrived. He left at 5 p.m. on Monday. Gen. Ali spoke.').sentences().out('array'));
console.log([...seg.segment('The U.S. military said Mr. Smith arrived. He left at 5 p.m. on Monday. Gen. Ali spoke.')].map(x=>x.segment));
console.log(nlp('a dozen, dozens, scores, several, one hundred and twelve, 1,200, three soldiers, eleven').numbers().json().map((n:any)=>[n.text,n.number.num]));
