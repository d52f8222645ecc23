import { loadDataset } from '../src/core/dataset.ts';
const ds = loadDataset();
for (const n of process.argv.slice(2)) { const r = ds.gazetteer.resolve(n); console.log(n, '->', r.kind==='found' ? `${r.id} (${ds.gazetteer.get(r.id)!.kind}) prov=${ds.gazetteer.ancestorOfKind(r.id,'province')?.id}` : 'NOT FOUND'); }
