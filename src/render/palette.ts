import type { CasualtyGroup } from '../schema/index.ts';

/**
 * Colours for the group hit, from the Okabe–Ito palette (distinguishable with the common forms of
 * colour blindness). The order is the drawing/legend order.
 */
export const GROUP_COLOUR: Record<CasualtyGroup, string> = {
  'security-forces': '#0072B2',
  civilians: '#D55E00',
  militants: '#009E73',
  'armed-groups': '#CC79A7',
  unknown: '#7F7F7F',
};

/** Markers for incidents whose source gives no casualty figures. */
export const NO_FIGURES_COLOUR = '#FFFFFF';

export const INK = '#222222';
export const MUTED = '#5F5F5F';
export const SEA = '#DCE9F2';
export const LAND = '#EFEBE3';
export const LAND_FOCUS = '#FBF8F2';
export const BORDER = '#A0A0A0';
