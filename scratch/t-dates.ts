import { findDays, findRelativeDay, findPeriod } from '../src/extract/dates.ts';
const P='2019-08-21';
for (const s of ['On July 29, IS militants attacked oilfields, for the first time since the Iraqi army obliterated IS strongholds in Mosul in late 2017.','Gunmen attacked on Sunday','late on Tuesday, a bomb','on Monday night','On Wednesday','Iraq declared victory over IS in December 2017.','places where IS is more powerful than it was three or four years ago','between March 24 and June 17','earlier in August','yesterday a bomb','On Aug. 3, 2014, IS attacked Sinjar']) console.log(s, JSON.stringify(findDays(s,P)));
for (const s of ['This attack came two days before IS militants killed two','A day later, gunmen','two days after the attack, a bomb','The next day, police','Three days earlier,']) console.log(s, JSON.stringify(findRelativeDay(s)));
console.log(JSON.stringify(findPeriod('documented the killing by IS of 147 troops in Syria between March 24 and June 17.', P)));
console.log(JSON.stringify(findPeriod('since the start of the year, since January 1', P)));
