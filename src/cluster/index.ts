/** What src/app.ts wires for running several processes of the bot together (loaded with the Discord side). */
export { createClusterPlugin } from './cluster-plugin.ts';
export { coordinationOn } from './coordination.ts';
