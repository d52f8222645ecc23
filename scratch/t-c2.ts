import { loadDataset } from '../src/core/dataset.ts';
import { findCasualties } from '../src/extract/casualties.ts';
const ds = loadDataset();
console.log(JSON.stringify(findCasualties('A day later, a landmine left by the group wounded a shepherd and his son near Tabqa, residents said.', ds.actors, true)));
console.log(JSON.stringify(findCasualties('Gunmen shot dead a farmer and his two sons.', ds.actors, true)));
