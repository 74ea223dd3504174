// The kernel contract: every kernel's name and argument type, defined once. Both backends register
// a function for each name, and the ops' forward and backward rules call them by name. A backend
// never decides which gradient runs; it only runs the kernels it is asked to.
//
// Conventions every kernel obeys:
// - Buffers are flat arrays in row-major order. `B` is the backend's buffer type (a RefBuffer on the
//   reference backend, a pointer-backed WasmBuffer on the wasm backend).
// - Activations are channel-major with the batch innermost, as in neon: an image batch is
//   [C, D, H, W, N] (1D and 2D data use D = H = 1 or D = 1), a dense batch is [F, N].
// - A kernel writes its outputs completely (it never reads an output's old contents) unless its
//   comment says it accumulates. Outputs never alias inputs unless the comment allows it.
// - Integer buffers (max-pooling argmax) are allocated with dtype 'int32'.

/** Spatial geometry of a convolution or pooling window over a [C, D, H, W, N] tensor.
 *  Every array has three entries, depth-height-width; 1D and 2D data pad with size 1. */
export interface WindowGeometry {
  channels: number;
  batch: number;
  inSize: [number, number, number];
  window: [number, number, number];
  stride: [number, number, number];
  pad: [number, number, number];
  dilation: [number, number, number];
  outSize: [number, number, number];
}

/** Pooling operators. 'lp' and 'weighted' take a parameter (`p`, `sigma` in the pool kernels' args). */
export type PoolMode = 'max' | 'avg' | 'l2' | 'lp' | 'weighted';

export interface KernelArgs<B> {
  /** C[m×n] = alpha·op(A)·op(B) + beta·C. op(A) is m×k: A is m×k, or k×m when transA.
   *  op(B) is k×n: B is k×n, or n×k when transB. beta = 0 ignores C's old contents (NaN included). */
  gemm: { a: B; b: B; c: B; m: number; n: number; k: number; transA: boolean; transB: boolean; alpha: number; beta: number };

  /** Optional fused inference convolution: y[k, j] = act(scale[k]·(W·im2col(x))[k, j] + shift[k]) for
   *  every column j = p·N + n, with W [K, C·T·R·S] row-major (k = K rows), scale/shift [K] or null
   *  (1 and 0), and act Rectlin with `slope` (max(v, 0) + slope·min(v, 0)) or none when slope is
   *  null. A backend may leave it out (OPTIONAL_KERNEL_NAMES); ops/conv.ts then runs im2col, gemm
   *  and the separate kernels. */
  convForward: { x: B; w: B; y: B; g: WindowGeometry; k: number; scale: B | null; shift: B | null; slope: number | null };

  /** Optional: a convolution's weight gradient without materialising the column matrix:
   *  dw[K, C·T·R·S] = dy[K, P·N] · im2col(x)ᵀ (overwrites dw). */
  convWeightGrad: { x: B; dy: B; dw: B; g: WindowGeometry; k: number };
  /** Optional: a convolution's input gradient without the column matrix: dx = col2im(wᵀ · dy) with
   *  w [K, C·T·R·S] (overwrites dx). */
  convInputGrad: { dy: B; w: B; dx: B; g: WindowGeometry; k: number };

  /** Optional: convForward (same arguments and values, up to float32 rounding) by Winograd's minimal
   *  filtering F(2×2, 3×3) (Lavin & Gray, CVPR 2016) for windows that `winogradEligible` (shape.ts)
   *  accepts: 2-D 3×3, stride 1, any padding and dilation. ops/conv-plan.ts decides when to use it. */
  winogradForward: {
    x: B; w: B; y: B; g: WindowGeometry; k: number; scale: B | null; shift: B | null; slope: number | null;
    /** The caller will run w again unchanged (inference): a backend that says so
     *  (Backend.keepsFilterTransforms) may keep w's transform between calls, redone after w changes. */
    keepFilters?: boolean;
  };
  /** Optional: convInputGrad by Winograd F(2×2, 3×3) (a Winograd convolution of dy with the filters
   *  rotated by 180° and transposed), for the windows winogradForward takes. */
  winogradInputGrad: { dy: B; w: B; dx: B; g: WindowGeometry; k: number };
  /** Optional: convWeightGrad by Winograd F(2×2, 3×3): dw = Gᵀ·[Σ (A·dy·Aᵀ) ⊙ (Bᵀ·x·B)]·G over tiles
   *  and images, for the windows winogradForward takes. */
  winogradWeightGrad: { x: B; dy: B; dw: B; g: WindowGeometry; k: number };

  /** Optional: convForward (same arguments and values, up to float32 rounding) for windows that
   *  cover the whole input from every output position (`denseTaps`, shape.ts: ResNet's 3×3 layers on
   *  a 2×2 or 1×1 map): one dense product over x and y in place, no zero taps. keepFilters as
   *  winogradForward's (what is kept: the gathered weights). ops/conv-plan.ts decides when. */
  denseConvForward: {
    x: B; w: B; y: B; g: WindowGeometry; k: number; scale: B | null; shift: B | null; slope: number | null;
    keepFilters?: boolean;
  };
  /** Optional: convInputGrad for the windows denseConvForward takes. */
  denseConvInputGrad: { dy: B; w: B; dx: B; g: WindowGeometry; k: number };
  /** Optional: convWeightGrad for the windows denseConvForward takes. */
  denseConvWeightGrad: { x: B; dy: B; dw: B; g: WindowGeometry; k: number };

  /** Optional: convWeightGrad (same arguments, the same values up to float32 rounding) computed
   *  directly, with no column matrix, for geometries `directEligible` (shape.ts) accepts (a batch
   *  divisible by 4; any window, stride, padding and dilation). Meant for layers with few taps per
   *  filter (C·T·R·S), where im2col's copies cost more than the products; ops/conv-plan.ts decides. */
  directConvWeightGrad: { x: B; dy: B; dw: B; g: WindowGeometry; k: number };

  /** cols[(c·T + t)·R·S + r·S + s, p·N + n] = x[c, od·sd − pd + t·dd, oh·sh − ph + r·dh, ow·sw − pw + s·dw, n]
   *  with p = (od·OH + oh)·OW + ow, and 0 where the tap falls in the padding. cols is [C·T·R·S, P·N]. */
  im2col: { x: B; cols: B; g: WindowGeometry };
  /** The adjoint of im2col: dx = Σ over every (row, column) of cols that im2col would have read from
   *  each input cell. Overwrites dx (padding taps are dropped). */
  col2im: { cols: B; dx: B; g: WindowGeometry };

  /** Pooling over [C, D, H, W, N] → [C, OD, OH, OW, N] with neon's padding rule: padded cells are
   *  ignored (max never picks them, avg divides by the number of valid cells, l2 sums valid squares).
   *  mode 'max' also writes argmax (when given): the window-local index t·R·S + r·S + s of the first
   *  maximum (strictly greater wins, scanning t, r, s). Dilation is honoured (neon's pooling uses 1).
   *  A window with no valid cell (impossible when pad < window) yields 0 and argmax −1.
   *  Over the valid cells V of a window:
   *  - 'l2': y = √(Σ_V x²).
   *  - 'lp': y = (Σ_V |x|^p)^(1/p), the lecture's Lp pooling ‖x‖_p (a sum, no averaging), p ≥ 1
   *    finite (`p` required). p = 2 runs the l2 arithmetic (bit-identical to 'l2'); other p are
   *    computed max-scaled, m·(Σ_V (|x|/m)^p)^(1/p) with m = max_V |x| (y = 0 when m = 0), so
   *    large p cannot overflow.
   *  - 'weighted': y = Σ_V w·x / Σ_V w with Gaussian weights w = exp(−d²/(2σ²)), σ = `sigma` > 0
   *    (required), d the Euclidean distance, in input cells, from the tap to the window centre:
   *    d² = Σ over dims of (dil·(tap − (size − 1)/2))², e.g. a 3×3 window's corners have d² = 2.
   *    The weights are normalised over the VALID cells only, so an edge window is a weighted
   *    average of what it covers; an all-padding window yields 0.
   *  `p` and `sigma` are ignored by the other modes. */
  poolForward: { x: B; y: B; argmax: B | null; g: WindowGeometry; mode: PoolMode; p?: number; sigma?: number };
  /** Gradient of poolForward. Overwrites dx. max: dy goes to the argmax cell; avg: dy / valid count
   *  to each valid cell; l2: dy · x / y to each valid cell (0 where y = 0); lp: the lecture's
   *  derivative dy · (Σ_V |x|^p)^(1/p − 1)·|x|^(p−1)·sign(x) = dy · sign(x)·(|x|/y)^(p−1) to each
   *  valid cell (0 where y = 0; p = 2 is exactly the l2 rule); weighted: dy · w / Σ_V w to each
   *  valid cell. x and y are the forward's (same p, sigma). max with argmax null recomputes the
   *  first maximum from x; argmax −1 drops that gradient. */
  poolBackward: { x: B; y: B; dy: B; argmax: B | null; dx: B; g: WindowGeometry; mode: PoolMode; p?: number; sigma?: number };

  /** y[c, j] = x[c, j] + bias[c] for x viewed as [channels, inner]. y may alias x. */
  biasAdd: { x: B; bias: B; y: B; channels: number; inner: number };
  /** db[c] = Σ_j dy[c, j] for dy viewed as [channels, inner]. Overwrites db. */
  biasGrad: { dy: B; db: B; channels: number; inner: number };

  /** out = a·x + b·y elementwise over n values. out may alias x or y. */
  axpby: { x: B; y: B; out: B; n: number; a: number; b: number };
  /** out = x ⊙ y elementwise. out may alias x or y. */
  mul: { x: B; y: B; out: B; n: number };
  /** out = alpha·x. out may alias x. */
  scale: { x: B; out: B; n: number; alpha: number };
  /** out[outOffset + i] = x[xOffset + i] for i < n (element offsets; the ranges must not overlap
   *  when x and out are the same buffer). Channel concatenation and slicing use it. */
  copy: { x: B; out: B; n: number; xOffset: number; outOffset: number };
  /** x[i] = value for i < n. */
  fill: { x: B; n: number; value: number };
  /** out[0] = Σ x[i]. */
  sum: { x: B; out: B; n: number };
  /** out[0] = Σ x[i]². */
  sumSquares: { x: B; out: B; n: number };
  /** out = clamp(x, −limit, limit). out may alias x. */
  clip: { x: B; out: B; n: number; limit: number };

  /** Rectlin: y = max(x, 0) + slope·min(x, 0). y may alias x. */
  rectlin: { x: B; y: B; n: number; slope: number };
  /** dx = dy · ([y > 0] + slope·[y < 0]), from the forward OUTPUT y as neon does. dx may alias dy. */
  rectlinGrad: { y: B; dy: B; dx: B; n: number; slope: number };
  /** Explin (ELU): y = max(x, 0) + alpha·(exp(min(x, 0)) − 1). y may alias x. */
  explin: { x: B; y: B; n: number; alpha: number };
  /** dx = dy · ([y > 0] + [y < 0]·(y + alpha)), i.e. alpha·eˣ for x < 0, from the output as neon
   *  (activation.py: `[y>0] + min(y,0) + alpha·[y<0]`); 0 at y = 0 exactly. */
  explinGrad: { y: B; dy: B; dx: B; n: number; alpha: number };
  /** y = 1 / (1 + e^−x), computed without overflow for large |x|. y may alias x. */
  logistic: { x: B; y: B; n: number };
  /** dx = dy · y · (1 − y). */
  logisticGrad: { y: B; dy: B; dx: B; n: number };
  /** y = tanh(x). y may alias x. */
  tanh: { x: B; y: B; n: number };
  /** dx = dy · (1 − y²). */
  tanhGrad: { y: B; dy: B; dx: B; n: number };
  /** Softmax over the class axis of x viewed as [classes, batch] (column-wise), max-subtracted. */
  softmax: { x: B; y: B; classes: number; batch: number };
  /** dx[k, n] = y[k, n] · (dy[k, n] − Σ_j y[j, n]·dy[j, n]). */
  softmaxGrad: { y: B; dy: B; dx: B; classes: number; batch: number };

  /** Training-mode batch norm over x viewed as [channels, inner] (inner = spatial·N):
   *  mean, var (biased) per channel; y = (x − mean)·invStd·gamma + beta with invStd = 1/√(var + eps);
   *  writes mean and invStd (for backward) and updates the running stats in place:
   *  runMean = rho·runMean + (1 − rho)·mean, runVar = rho·runVar + (1 − rho)·var. */
  batchNormTrain: {
    x: B; gamma: B; beta: B; y: B; mean: B; invStd: B; runMean: B; runVar: B;
    channels: number; inner: number; rho: number; eps: number;
  };
  /** Inference-mode batch norm: y = (x − runMean)/√(runVar + eps)·gamma + beta. */
  batchNormInfer: { x: B; gamma: B; beta: B; runMean: B; runVar: B; y: B; channels: number; inner: number; eps: number };
  /** Gradient of batchNormTrain with xhat = (x − mean)·invStd:
   *  dgamma = Σ xhat·dy, dbeta = Σ dy, dx = gamma·invStd·(dy − (xhat·dgamma + dbeta)/inner).
   *  Overwrites dx, dgamma and dbeta. */
  batchNormGrad: {
    x: B; dy: B; gamma: B; mean: B; invStd: B; dx: B; dgamma: B; dbeta: B; channels: number; inner: number;
  };

  /** Optional: batchNormTrain followed by Rectlin with slope ≥ 0, in one kernel (the normalising
   *  pass writes the activated output; the statistics still read x twice): y = max(z, 0) +
   *  slope·min(z, 0) with z = (x − mean)·k + beta and k = gamma·invStd formed from the float32 invStd
   *  it writes (so batchNormRectlinGrad can rebuild z from x exactly). Writes mean and invStd and
   *  updates the running stats as batchNormTrain. ops/batchnorm.ts falls back to the two kernels. */
  batchNormRectlinTrain: {
    x: B; gamma: B; beta: B; y: B; mean: B; invStd: B; runMean: B; runVar: B;
    channels: number; inner: number; rho: number; eps: number; slope: number;
  };
  /** Optional: the gradient of batchNormRectlinTrain from its input x (not its output): batchNormGrad
   *  of dz = dy·([z > 0] + slope·[z < 0]), z rebuilt from x, gamma, beta, mean and invStd. */
  batchNormRectlinGrad: {
    x: B; dy: B; gamma: B; beta: B; mean: B; invStd: B; dx: B; dgamma: B; dbeta: B; channels: number; inner: number; slope: number;
  };

  /** neon's GradientDescentMomentum, one parameter, in place. g' = gradScale·g + wdecay·w;
   *  momentum ≠ 0: v = μ·v − lr·g', then w += v (or, nesterov, w += μ·v − lr·g' with the new v);
   *  momentum = 0: w = w − lr·g' (v is neither read nor written, but must be a live buffer). */
  sgdUpdate: {
    w: B; g: B; v: B; n: number; lr: number; momentum: number; wdecay: number; gradScale: number; nesterov: boolean;
  };
  /** Adam with bias correction at step t ≥ 1: g' = gradScale·g; m = β1·m + (1 − β1)·g';
   *  v = β2·v + (1 − β2)·g'²; w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + eps). */
  adamUpdate: {
    w: B; g: B; m: B; v: B; n: number; lr: number; beta1: number; beta2: number; eps: number; gradScale: number; step: number;
  };
  /** Adagrad (neon): g' = gradScale·g; acc += g'²; w −= lr·g' / √(acc + eps). */
  adagradUpdate: { w: B; g: B; acc: B; n: number; lr: number; eps: number; gradScale: number };
  /** RMSProp (neon): g' = gradScale·g; m = ρ·m + (1 − ρ)·g'²; w −= lr·g' / (√(m + eps) + eps). */
  rmspropUpdate: { w: B; g: B; m: B; n: number; lr: number; decay: number; eps: number; gradScale: number };
}

export type KernelName = keyof KernelArgs<unknown>;

/** Every kernel name, for completeness checks and error messages. */
export const KERNEL_NAMES: readonly KernelName[] = [
  'gemm', 'im2col', 'col2im', 'poolForward', 'poolBackward', 'biasAdd', 'biasGrad',
  'axpby', 'mul', 'scale', 'copy', 'fill', 'sum', 'sumSquares', 'clip',
  'rectlin', 'rectlinGrad', 'explin', 'explinGrad', 'logistic', 'logisticGrad', 'tanh', 'tanhGrad',
  'softmax', 'softmaxGrad', 'batchNormTrain', 'batchNormInfer', 'batchNormGrad',
  'sgdUpdate', 'adamUpdate', 'adagradUpdate', 'rmspropUpdate',
];

/** Kernels a backend may omit: fused fast paths whose callers fall back to the kernels above. */
export const OPTIONAL_KERNEL_NAMES: readonly KernelName[] = [
  'convForward', 'convWeightGrad', 'convInputGrad', 'winogradForward', 'winogradInputGrad', 'winogradWeightGrad',
  'batchNormRectlinTrain', 'batchNormRectlinGrad', 'directConvWeightGrad',
  'denseConvForward', 'denseConvInputGrad', 'denseConvWeightGrad',
];
