import { loadDataset } from '../src/core/dataset.ts';
import { findPlaces, findDraftPlaces } from '../src/extract/places.ts';
const ds = loadDataset();
const g = ds.gazetteer;
for (const s of ['On July 29, IS militants attacked oilfields in the northern Iraqi province of Saladin, for the first time since the Iraqi army obliterated IS strongholds in Mosul and other Iraqi cities in late 2017.',
'IS militants killed two Kurdish soldiers when they attacked a security post in Sulaymaniyah province in the Kurdistan region.',
'Gunmen stormed the village of Umm Jurais near Tuz Khurmatu in Saladin province, killing three shepherds.',
'the al Hol camp in northeastern Syria; fighting in Deir ez-Zor and al-Qaim; Hit, a town in Anbar.','A bomb exploded in Kirkuk and in Baqubah, the capital of Diyala.']) {
  const t = performance.now();
  const k = findPlaces(s, g);
  console.log((performance.now()-t).toFixed(2), JSON.stringify(k.map(x=>[x.placeId,x.kind,x.text])), JSON.stringify(findDraftPlaces(s,g,k,null).map(x=>x.draft)));
}
