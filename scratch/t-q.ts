import { loadDataset } from '../src/core/dataset.ts';
import { extractArticle } from '../src/extract/extract-article.ts';
import { extractionData } from '../src/extract/link.ts';
const ds = loadDataset();
const r = extractArticle({ text: process.argv[2]!, published: process.argv[3] ?? "2024-05-15" }, extractionData(ds));
console.log(JSON.stringify(r.quotes.map(q=>[q.kind,q.speakerId,q.text])), JSON.stringify(r.actors));
