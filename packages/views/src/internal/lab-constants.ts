import { invert3, type ColourMatrix } from './mix-channels';

/** δ = 6/29: where CIE's cube-root f(t) switches to its linear segment (t = δ³). */
export const LAB_DELTA = 6 / 29;

/** Linear sRGB → CIE XYZ, D65 (IEC 61966-2-1 primaries, as tabulated by Lindbloom). */
const SRGB_TO_XYZ: ColourMatrix = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
];

/** The D65 reference white (2° observer), Y normalised to 1. */
const D65_WHITE = [0.95047, 1.0, 1.08883] as const;

/** Linear sRGB → XYZ / white: the matrix with each row divided by that white component. */
export const LINEAR_TO_XYZ_OVER_WHITE: ColourMatrix = SRGB_TO_XYZ.map((row, i) => row.map((v) => v / D65_WHITE[i]));

/**
 * Its exact inverse, computed rather than taken from a table so that
 * labToRgb(rgbToLab(x)) = x up to float rounding.
 */
export const XYZ_OVER_WHITE_TO_LINEAR: ColourMatrix = invert3(LINEAR_TO_XYZ_OVER_WHITE);

/** [f(X), f(Y), f(Z)] → [L + 16, a, b]. */
export const labFromF: ColourMatrix = [
  [0, 116, 0],
  [500, -500, 0],
  [0, 200, -200],
];

/** [L + 16, a, b] → [f(X), f(Y), f(Z)]: the inverse of {@link labFromF}. */
export const fFromLab: ColourMatrix = [
  [1 / 116, 1 / 500, 0],
  [1 / 116, 0, 0],
  [1 / 116, 0, -1 / 200],
];
