/**
 * GED's first-order divisions (`adm_1`, spelled as in GED 19.1) mapped to our places. Where the
 * gazetteer already knows the province (`id` of a seed place), GED's spelling is learned as an alias
 * of it; the others are created with an English name and the spellings people type.
 */
export interface ProvinceSpec {
  id: string;
  name: string;
  country: 'iraq' | 'syria';
  /** Parent when not the country itself (Iraq's Kurdistan Region), used if the gazetteer has it. */
  parentId?: string;
  aliases: string[];
}

export const GED_PROVINCES: Record<string, ProvinceSpec> = {
  // Iraq (GED 19.1 spells them with transliteration marks)
  'Nīnawá province': { id: 'nineveh-province', name: 'Nineveh', country: 'iraq', aliases: [] },
  'Şalāḩ ad Dīn province': { id: 'saladin-province', name: 'Saladin', country: 'iraq', aliases: [] },
  'Diyālá province': { id: 'diyala-province', name: 'Diyala', country: 'iraq', aliases: [] },
  'As Sulaymānīyah province': { id: 'sulaymaniyah-province', name: 'Sulaymaniyah', country: 'iraq', parentId: 'kurdistan-region', aliases: [] },
  'Baghdād province': { id: 'baghdad-governorate', name: 'Baghdad Governorate', country: 'iraq', aliases: ['Baghdad province'] },
  'Al Anbār province': { id: 'anbar-province', name: 'Anbar', country: 'iraq', aliases: ['Al Anbar', 'Al-Anbar', 'Anbar province', 'Anbar Governorate'] },
  'Kirkūk province': {
    id: 'kirkuk-governorate',
    name: 'Kirkuk Governorate',
    country: 'iraq',
    aliases: ['Kirkuk province', "At-Ta'mim province", "Ta'mim", 'Tamim province'],
  },
  "At-Ta'mim province": { id: 'kirkuk-governorate', name: 'Kirkuk Governorate', country: 'iraq', aliases: [] },
  'Arbīl province': {
    id: 'erbil-governorate',
    name: 'Erbil Governorate',
    country: 'iraq',
    parentId: 'kurdistan-region',
    aliases: ['Erbil province', 'Arbil province', 'Hewler province'],
  },
  'Dahūk province': {
    id: 'duhok-governorate',
    name: 'Duhok Governorate',
    country: 'iraq',
    parentId: 'kurdistan-region',
    aliases: ['Dohuk province', 'Dahuk province', 'Duhok province'],
  },
  'Al Başrah province': {
    id: 'basra-governorate',
    name: 'Basra Governorate',
    country: 'iraq',
    aliases: ['Basra province', 'Basrah province', 'Al Basrah province'],
  },
  'Bābil province': { id: 'babil-province', name: 'Babil', country: 'iraq', aliases: ['Babylon province', 'Babil province', 'Babil Governorate'] },
  'An Najaf province': { id: 'najaf-governorate', name: 'Najaf Governorate', country: 'iraq', aliases: ['Najaf province'] },
  'Karbalā’ province': { id: 'karbala-governorate', name: 'Karbala Governorate', country: 'iraq', aliases: ['Karbala province', 'Kerbala province'] },
  'Maysān province': { id: 'maysan-province', name: 'Maysan', country: 'iraq', aliases: ['Maysan province', 'Missan', 'Maysan Governorate'] },
  'Wāsiţ province': { id: 'wasit-province', name: 'Wasit', country: 'iraq', aliases: ['Wasit province', 'Wasit Governorate'] },
  'Dhī Qār province': { id: 'dhi-qar-province', name: 'Dhi Qar', country: 'iraq', aliases: ['Dhi Qar province', 'Thi Qar', 'Dhi Qar Governorate'] },
  'Al Qādisīyah province': {
    id: 'qadisiyah-province',
    name: 'Al-Qadisiyah',
    country: 'iraq',
    aliases: ['Qadisiyah', 'Diwaniyah province', 'Al-Qadisiyyah', 'Qadisiyyah province'],
  },
  'Al Muthanná province': { id: 'muthanna-province', name: 'Al-Muthanna', country: 'iraq', aliases: ['Muthanna', 'Muthanna province', 'Al Muthanna'] },
  // Syria
  'Homs Governorate': { id: 'homs-governorate', name: 'Homs Governorate', country: 'syria', aliases: [] },
  'Daraa Governorate': { id: 'daraa-governorate', name: 'Daraa', country: 'syria', aliases: [] },
  'Al Hasakah Governorate': { id: 'hasakah-governorate', name: 'Al-Hasakah Governorate', country: 'syria', aliases: [] },
  'Aleppo Governorate': { id: 'aleppo-governorate', name: 'Aleppo Governorate', country: 'syria', aliases: ['Aleppo province', 'Halab Governorate'] },
  'Rif Dimashq Governorate': {
    id: 'rif-dimashq-governorate',
    name: 'Rif Dimashq',
    country: 'syria',
    aliases: ['Rif Dimashq Governorate', 'Damascus countryside', 'Rural Damascus', 'Reef Dimashq'],
  },
  'Deir ez Zor Governorate': {
    id: 'deir-ez-zor-governorate',
    name: 'Deir ez-Zor Governorate',
    country: 'syria',
    aliases: ['Deir ez-Zor province', 'Deir ez Zor province', 'Deir al-Zor province', 'Deir Ezzor province'],
  },
  'Idlib Governorate': { id: 'idlib-governorate', name: 'Idlib Governorate', country: 'syria', aliases: ['Idlib province', 'Idleb province'] },
  'Ar Raqqah Governorate': {
    id: 'raqqa-governorate',
    name: 'Raqqa Governorate',
    country: 'syria',
    aliases: ['Raqqa province', 'Al-Raqqa province', 'Raqqah province'],
  },
  'Hamah Governorate': { id: 'hama-governorate', name: 'Hama Governorate', country: 'syria', aliases: ['Hama province', 'Hamah province'] },
  'Damascus Governorate': { id: 'damascus-governorate', name: 'Damascus Governorate', country: 'syria', aliases: [] },
  'Latakia Governorate': { id: 'latakia-governorate', name: 'Latakia Governorate', country: 'syria', aliases: ['Latakia province', 'Lattakia province'] },
  'Quneitra Governorate': { id: 'quneitra-governorate', name: 'Quneitra Governorate', country: 'syria', aliases: ['Quneitra province', 'Qunaytirah province'] },
  'As Suwayda Governorate': {
    id: 'suwayda-governorate',
    name: 'As-Suwayda Governorate',
    country: 'syria',
    aliases: ['Suwayda province', 'Sweida province', 'As-Suwayda province'],
  },
  'Tartus Governorate': { id: 'tartus-governorate', name: 'Tartus Governorate', country: 'syria', aliases: ['Tartus province', 'Tartous province'] },
};
