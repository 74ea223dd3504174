// GLSL for window geometry over [C, D, H, W, N] tensors (conv, pooling, im2col), with the
// constants of geometryConstants() (common.ts): N D H W T R S OD OH OW sd sh sw pd ph pw dd dh dw.
// Positions and cells are split into coordinates once per invocation (or once per value on the
// general paths); loops over taps then step through coordinates without dividing.

export const WINDOW_GLSL = `
ivec3 splitOut(int p) {
  int od = p / (constants_OH * constants_OW);
  int rest = p - od * constants_OH * constants_OW;
  int oh = rest / constants_OW;
  return ivec3(od, oh, rest - oh * constants_OW);
}
ivec3 splitIn(int cell) {
  int d = cell / (constants_H * constants_W);
  int rest = cell - d * constants_H * constants_W;
  int h = rest / constants_W;
  return ivec3(d, h, rest - h * constants_W);
}
/** Tap index k = (t·R + r)·S + s as (t, r, s). */
ivec3 splitTap(int k) {
  int t = k / (constants_R * constants_S);
  int rest = k - t * constants_R * constants_S;
  int r = rest / constants_S;
  return ivec3(t, r, rest - r * constants_S);
}
/** The input cell tap (t, r, s) of output position o reads, or −1 in the padding. */
int tapSource(ivec3 o, ivec3 k) {
  ivec3 c = o * ivec3(constants_sd, constants_sh, constants_sw) - ivec3(constants_pd, constants_ph, constants_pw) +
    k * ivec3(constants_dd, constants_dh, constants_dw);
  if (any(lessThan(c, ivec3(0))) || any(greaterThanEqual(c, ivec3(constants_D, constants_H, constants_W)))) return -1;
  return (c.x * constants_H + c.y) * constants_W + c.z;
}
/** The output position whose tap k reads input cell c, or −1 when there is none. */
int tapTarget(ivec3 c, ivec3 k) {
  ivec3 a = c + ivec3(constants_pd, constants_ph, constants_pw) - k * ivec3(constants_dd, constants_dh, constants_dw);
  ivec3 st = ivec3(constants_sd, constants_sh, constants_sw);
  if (any(lessThan(a, ivec3(0)))) return -1;
  ivec3 o = a / st;
  if (any(notEqual(o * st, a)) || any(greaterThanEqual(o, ivec3(constants_OD, constants_OH, constants_OW)))) return -1;
  return (o.x * constants_OH + o.y) * constants_OW + o.z;
}
/** Number of taps of the window at output position o that fall inside the input. */
int validTaps(ivec3 o) {
  ivec3 lo = ivec3(constants_pd, constants_ph, constants_pw) - o * ivec3(constants_sd, constants_sh, constants_sw);
  ivec3 hi = ivec3(constants_D - 1, constants_H - 1, constants_W - 1) - o * ivec3(constants_sd, constants_sh, constants_sw) +
    ivec3(constants_pd, constants_ph, constants_pw);
  ivec3 dil = ivec3(constants_dd, constants_dh, constants_dw);
  ivec3 first = max(ivec3(0), (lo + dil - 1) / dil);
  ivec3 last = min(ivec3(constants_T - 1, constants_R - 1, constants_S - 1), hi / dil);
  for (int i = 0; i < 3; i++) if (lo[i] <= 0) first[i] = 0;
  for (int i = 0; i < 3; i++) if (hi[i] < 0) return 0;
  ivec3 n = max(last - first + 1, ivec3(0));
  return n.x * n.y * n.z;
}`;
