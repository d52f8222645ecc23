import { loadDataset } from '../src/core/dataset.ts';
import { findCasualties } from '../src/extract/casualties.ts';
const ds = loadDataset();
for (const s of ['This attack came two days before IS militants killed two Kurdish soldiers and injured two others when they attacked a security post',
'On August 22, an IS cell staged an attack in the eastern Iraqi province of Diyala, leaving two Iraqi policemen dead and three others injured.',
'Iraqi policemen also succeeded in shooting and killing four IS militants.','Six Syrian troops were killed in the attack.','On August 18, IS killed seven Syrian army troops in the western Syrian city of Homs.',
'He noted that the blast did not cause any human casualties.','A car bomb killed at least 11 people and wounded dozens in Kirkuk.','Several soldiers were wounded.','Gunmen shot dead a shepherd and wounded his two sons.','killing three and wounding twenty-five others','The death toll rose to 14, police said.','Two policemen were killed and three others wounded','a number of civilians were hurt','airstrikes killed 12 IS militants including a senior commander']) {
  console.log(s, '\n   ', JSON.stringify(findCasualties(s, ds.actors, true)));
}
