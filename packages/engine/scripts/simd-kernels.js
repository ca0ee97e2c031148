#!/usr/bin/env node
/**
 * Writes infomax's WebAssembly SIMD kernels as WAT text and assembles them (wabt, a
 * devDependency) into src/kernels/simd/binary.ts, which is committed: the package needs no
 * build-time tool, and `simd-binary.spec.ts` fails when binary.ts is stale.
 *
 * The module imports the tfjs wasm backend's own memory, so the kernels read and write
 * tensors in place. Two builds: `plain` (f32x4.mul + f32x4.add, any engine with SIMD)
 * and `fma` (f32x4.relaxed_madd, where the engine has relaxed SIMD).
 *
 *   gemm(M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, acc, work)
 *     C[M×N] = A[M×K]·B[K×N] (acc = 0), or C += A·B (acc = 1); element (i, k) of A is at A + 4·(i·rsA + k·csA) (strides in
 *     elements, so transposes are strides). The blocking follows the classic GotoBLAS
 *     layout: B is packed in KC×NC blocks of 8-column panels, A in MC×KC blocks of 4-row
 *     panels, and a 4×8 register tile accumulates over KC. `work` holds the packed blocks
 *     (WORK_FLOATS floats).
 *   im2col(x, P, geom, mode)
 *     a convolution's patches as the rows of a matrix (mode 0), or their scatter-add back
 *     into the image (mode 1, col2im), so that Conv2D and both its gradients are GEMMs.
 *   adam(n, w, g, m, v, wOut, mOut, vOut, b1, b2, 1 − b1, 1 − b2, c1, c2, eps, negLr, keep)
 *     one Adam step, tfjs's formula and operation order (1 − β rounded from float64, as tfjs does),
 *     the weight first scaled by keep = 1 − lr·λ (AdamW's decoupled decay; 1 for Adam, exact).
 *   sgd(n, w, g, b, wOut, bOut, mu, wd, negLr, scale, nesterov)
 *     one SGD step with momentum (PyTorch's formula): g' = (g + wd·w)·scale (LARS's trust ratio; 1 for SGD), b' = b·mu + g',
 *     w' = w + negLr·(nesterov ? g' + b'·mu : b').
 */
const fs = require('fs');
const path = require('path');

// Measured on V8 (Node 20): 6×8 and 8×8 tiles spill (22 and 20 GFLOP/s against 33 without FMA), and
// unrolling the tile's k loop 2 or 4 times makes it spill too (23 and 20).
const MR = 4; // rows of the register tile
const NR = 8; // columns of the register tile (two f32x4)
const KC = 256; // depth of a packed block
const MC = MR * Math.floor(128 / MR); // rows of a packed A block
const NC = 2048; // columns of a packed B block
const WORK_FLOATS = KC * NC + MC * KC + MR * NR;
/** The adam export's f32 parameters after its pointers, in order. */
const ADAM_SCALARS = ['b1', 'b2', 'r1', 'r2', 'c1', 'c2', 'eps', 'negLr', 'keep'];
/** The sgd export's f32 parameters after its pointers, in order. */
const SGD_SCALARS = ['mu', 'wd', 'negLr', 'scale'];

/** The largest memory a shared build imports: 65536 pages (4 GiB), the wasm32 limit and tfjs's own maximum. */
const SHARED_MAX_PAGES = 65536;

function wat(variant, shared = false) {
  const madd = (a, b, c) => (variant === 'fma' ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add ${c} (f32x4.mul ${a} ${b}))`);
  const acc = [];
  for (let r = 0; r < MR; r++) for (let h = 0; h < NR / 4; h++) acc.push(`$c${r}${h}`);

  // One k step of the register tile.
  const kStep = () => {
    const lines = [];
    for (let h = 0; h < NR / 4; h++) lines.push(`(local.set $b${h} (v128.load offset=${h * 16} (local.get $bp)))`);
    for (let r = 0; r < MR; r++) {
      lines.push(`(local.set $a (v128.load32_splat offset=${r * 4} (local.get $ap)))`);
      for (let h = 0; h < NR / 4; h++) {
        lines.push(`(local.set $c${r}${h} ${madd('(local.get $a)', `(local.get $b${h})`, `(local.get $c${r}${h})`)})`);
      }
    }
    return lines.join('\n      ');
  };
  const store = [];
  for (let r = 0; r < MR; r++) {
    for (let h = 0; h < NR / 4; h++) {
      const addr = `(i32.add (local.get $c) (i32.add (i32.mul (local.get $ldc) (i32.const ${r})) (i32.const ${h * 16})))`;
      store.push(
        `(local.set $p ${addr})`,
        `(if (local.get $beta) (then (local.set $c${r}${h} (f32x4.add (local.get $c${r}${h}) (v128.load (local.get $p))))))`,
        `(v128.store (local.get $p) (local.get $c${r}${h}))`,
      );
    }
  }

  // Packing, the same for both operands: a panel is W lanes (A's rows, W = MR; B's columns,
  // W = NR) by kc depths. Element (lane l, depth k) of the source is at src + 4·(l·ls + k·ks);
  // lanes [0, count) go into ceil(count/W) panels of kc×W floats, lanes past count as zeros.
  // Full panels take a fast path: adjacent lanes (ls = 1: row-major B, transposed A) copy W/4
  // v128 per depth; adjacent depths (ks = 1: row-major A, transposed B) go four depths at a
  // time through 4×4 shuffle transposes. What they leave is copied one float at a time.
  const lanes = (l) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]).join(' ');
  const transpose4 = (W, h) => {
    const lane = (c) =>
      `(v128.load (i32.add (local.get $s) (i32.add (i32.mul (i32.const ${4 * h + c}) (local.get $ls)) (i32.shl (local.get $k) (i32.const 2)))))`;
    const out = (kk) =>
      `(i32.add (local.get $dst) (i32.add (i32.mul (local.get $k) (i32.const ${W * 4})) (i32.const ${kk * W * 4 + h * 16})))`;
    const shuffle = (l, x, y) => `(i8x16.shuffle ${lanes(l)} ${x} ${y})`;
    return [
      `(local.set $t0 ${shuffle([0, 4, 1, 5], lane(0), lane(1))})`,
      `(local.set $t1 ${shuffle([2, 6, 3, 7], lane(0), lane(1))})`,
      `(local.set $t2 ${shuffle([0, 4, 1, 5], lane(2), lane(3))})`,
      `(local.set $t3 ${shuffle([2, 6, 3, 7], lane(2), lane(3))})`,
      ...[
        [0, '$t0', '$t2', [0, 1, 4, 5]],
        [1, '$t0', '$t2', [2, 3, 6, 7]],
        [2, '$t1', '$t3', [0, 1, 4, 5]],
        [3, '$t1', '$t3', [2, 3, 6, 7]],
      ].map(([kk, x, y, l]) => `(v128.store ${out(kk)} ${shuffle(l, `(local.get ${x})`, `(local.get ${y})`)})`),
    ].join('\n              ');
  };
  const pack = (
    name,
    W,
  ) => `  (func ${name} (param $src i32) (param $ls i32) (param $ks i32) (param $count i32) (param $kc i32) (param $dst i32)
    (local $l0 i32) (local $l i32) (local $k i32) (local $s i32) (local $d i32)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $ls (i32.shl (local.get $ls) (i32.const 2)))
    (local.set $ks (i32.shl (local.get $ks) (i32.const 2)))
    (local.set $l0 (i32.const 0))
    (block $pd (loop $panels
      (br_if $pd (i32.ge_u (local.get $l0) (local.get $count)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $l0) (local.get $ls))))
      (local.set $k (i32.const 0))
      (if (i32.le_u (i32.add (local.get $l0) (i32.const ${W})) (local.get $count))
        (then
          (if (i32.eq (local.get $ls) (i32.const 4))
            (then
              (local.set $d (local.get $dst))
              (block $kd (loop $ks
                (br_if $kd (i32.ge_u (local.get $k) (local.get $kc)))
                ${Array.from({ length: W / 4 }, (_, h) => `(v128.store offset=${h * 16} (local.get $d) (v128.load offset=${h * 16} (i32.add (local.get $s) (i32.mul (local.get $k) (local.get $ks)))))`).join('\n                ')}
                (local.set $d (i32.add (local.get $d) (i32.const ${W * 4})))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks))))
            (else (if (i32.eq (local.get $ks) (i32.const 4))
              (then
                (block $kd (loop $ks
                  (br_if $kd (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $kc)))
              ${Array.from({ length: W / 4 }, (_, h) => transpose4(W, h)).join('\n              ')}
                  (local.set $k (i32.add (local.get $k) (i32.const 4)))
                  (br $ks)))))))))
      ;; the depths the fast paths left, one float at a time
      (block $rd (loop $rl
        (br_if $rd (i32.ge_u (local.get $k) (local.get $kc)))
        (local.set $l (i32.const 0))
        (loop $cl
          (f32.store
            (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $k) (i32.const ${W})) (local.get $l)) (i32.const 2)))
            (if (result f32) (i32.lt_u (i32.add (local.get $l0) (local.get $l)) (local.get $count))
              (then (f32.load (i32.add (local.get $s) (i32.add (i32.mul (local.get $l) (local.get $ls)) (i32.mul (local.get $k) (local.get $ks))))))
              (else (f32.const 0))))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (br_if $cl (i32.lt_u (local.get $l) (i32.const ${W}))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rl)))
      (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $kc) (i32.const ${W * 4}))))
      (local.set $l0 (i32.add (local.get $l0) (i32.const ${W})))
      (br $panels))))`;

  // The Adam update over [$i, $end) in steps of `bytes`, in lanes of type T (f32x4 or f32); the
  // hyper-parameters are the locals named prefix + ADAM_SCALARS (splatted for f32x4).
  const adamLoop = (T, prefix, g, mn, vn, bytes) => {
    const mem = T === 'f32' ? 'f32' : 'v128';
    const at = (base) => `(i32.add (local.get ${base}) (local.get $i))`;
    const h = (x) => `(local.get ${prefix}${x})`;
    return `(block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $end)))
      (local.set ${g} (${mem}.load ${at('$g')}))
      (local.set ${mn} (${T}.add (${T}.mul (${mem}.load ${at('$m')}) ${h('b1')}) (${T}.mul (local.get ${g}) ${h('r1')})))
      (local.set ${vn} (${T}.add (${T}.mul (${mem}.load ${at('$v')}) ${h('b2')})
                              (${T}.mul (${T}.mul (local.get ${g}) (local.get ${g})) ${h('r2')})))
      (${mem}.store ${at('$mo')} (local.get ${mn}))
      (${mem}.store ${at('$vo')} (local.get ${vn}))
      (${mem}.store ${at('$wo')}
        (${T}.add
          (${T}.mul
            (${T}.div (${T}.div (local.get ${mn}) ${h('c1')}) (${T}.add (${T}.sqrt (${T}.div (local.get ${vn}) ${h('c2')})) ${h('eps')}))
            ${h('negLr')})
          (${T}.mul (${mem}.load ${at('$w')}) ${h('keep')})))
      (local.set $i (i32.add (local.get $i) (i32.const ${bytes})))
      (br $l)))`;
  };

  // The SGD update over [$i, $end), as adamLoop; `nesterov` picks the direction at generation time.
  const sgdLoop = (T, prefix, g, b, nesterov, bytes) => {
    const mem = T === 'f32' ? 'f32' : 'v128';
    const at = (base) => `(i32.add (local.get ${base}) (local.get $i))`;
    const h = (x) => `(local.get ${prefix}${x})`;
    const direction = nesterov ? `(${T}.add (local.get ${g}) (${T}.mul (local.get ${b}) ${h('mu')}))` : `(local.get ${b})`;
    return `(block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $end)))
      (local.set ${g} (${T}.mul (${T}.add (${mem}.load ${at('$g')}) (${T}.mul (${mem}.load ${at('$w')}) ${h('wd')})) ${h('scale')}))
      (local.set ${b} (${T}.add (${T}.mul (${mem}.load ${at('$b')}) ${h('mu')}) (local.get ${g})))
      (${mem}.store ${at('$bo')} (local.get ${b}))
      (${mem}.store ${at('$wo')} (${T}.add (${mem}.load ${at('$w')}) (${T}.mul ${direction} ${h('negLr')})))
      (local.set $i (i32.add (local.get $i) (i32.const ${bytes})))
      (br $l)))`;
  };
  const sgdHalf = (nesterov) => `(local.set $i (i32.const 0))
      (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
      ${sgdLoop('f32x4', '$v', '$gv', '$bv', nesterov, 16)}
      (local.set $end (i32.shl (local.get $n) (i32.const 2)))
      ${sgdLoop('f32', '$', '$gs', '$bs', nesterov, 4)}`;

  // The body of the sum export's vector loop over [$i, $block), 16 floats a step into $a0..$a3.
  const sumLoop = (squares) => {
    const add = (k) => {
      const load = `(v128.load offset=${16 * k} (i32.add (local.get $x) (local.get $i)))`;
      const term = squares ? '(f32x4.mul (local.get $p) (local.get $p))' : load;
      return `${squares ? `(local.set $p ${load}) ` : ''}(local.set $a${k} (f32x4.add (local.get $a${k}) ${term}))`;
    };
    return `(block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $block)))
      ${[0, 1, 2, 3].map(add).join('\n      ')}
      (local.set $i (i32.add (local.get $i) (i32.const 64)))
      (br $l)))`;
  };

  return `(module
  (import "env" "memory" (memory 0${shared ? ` ${SHARED_MAX_PAGES} shared` : ''}))

  ;; The MR×NR register tile: C[r, 0..NR) (+)= Σ_k Ap[k, r]·Bp[k, 0..NR);
  ;; $ldc is in bytes; $beta = 0 overwrites C, 1 accumulates into it.
  (func $tile (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $beta i32)
    (local $end i32) (local $p i32) (local $a v128) ${Array.from({ length: NR / 4 }, (_, h) => `(local $b${h} v128)`).join(' ')}
    ${acc.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $end (i32.add (local.get $ap) (i32.mul (local.get $kc) (i32.const ${MR * 4}))))
    (block $done
      (br_if $done (i32.eqz (local.get $kc)))
      (loop $k
      ${kStep()}
        (local.set $ap (i32.add (local.get $ap) (i32.const ${MR * 4})))
        (local.set $bp (i32.add (local.get $bp) (i32.const ${NR * 4})))
        (br_if $k (i32.lt_u (local.get $ap) (local.get $end)))))
    ${store.join('\n    ')})

${pack('$packA', MR)}

${pack('$packB', NR)}

  (func (export "gemm") (param $M i32) (param $N i32) (param $K i32)
      (param $A i32) (param $rsA i32) (param $csA i32) (param $B i32) (param $rsB i32) (param $csB i32)
      (param $C i32) (param $ldc i32) (param $acc i32) (param $work i32)
    (local $jc i32) (local $pc i32) (local $ic i32) (local $jr i32) (local $ir i32)
    (local $nc i32) (local $kc i32) (local $mc i32) (local $beta i32)
    (local $bpack i32) (local $apack i32) (local $scratch i32) (local $cp i32) (local $mr i32) (local $nr i32)
    (local $r i32) (local $q i32) (local $src i32) (local $dst i32) (local $ldcb i32)
    (local.set $bpack (local.get $work))
    (local.set $apack (i32.add (local.get $work) (i32.const ${KC * NC * 4})))
    (local.set $scratch (i32.add (local.get $apack) (i32.const ${MC * KC * 4})))
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    ;; K = 0: C = 0 (or C unchanged when accumulating)
    (if (i32.and (i32.eqz (local.get $K)) (local.get $acc)) (then (return)))
    (if (i32.eqz (local.get $K)) (then
      (local.set $ic (i32.const 0))
      (block $zd (loop $zr
        (br_if $zd (i32.ge_u (local.get $ic) (local.get $M)))
        (memory.fill (i32.add (local.get $C) (i32.mul (local.get $ic) (local.get $ldcb))) (i32.const 0) (i32.shl (local.get $N) (i32.const 2)))
        (local.set $ic (i32.add (local.get $ic) (i32.const 1)))
        (br $zr)))
      (return)))
    (local.set $jc (i32.const 0))
    (block $jcd (loop $jcl
      (br_if $jcd (i32.ge_u (local.get $jc) (local.get $N)))
      (local.set $nc (select (i32.sub (local.get $N) (local.get $jc)) (i32.const ${NC})
        (i32.lt_u (i32.sub (local.get $N) (local.get $jc)) (i32.const ${NC}))))
      (local.set $pc (i32.const 0))
      (block $pcd (loop $pcl
        (br_if $pcd (i32.ge_u (local.get $pc) (local.get $K)))
        (local.set $kc (select (i32.sub (local.get $K) (local.get $pc)) (i32.const ${KC})
          (i32.lt_u (i32.sub (local.get $K) (local.get $pc)) (i32.const ${KC}))))
        (local.set $beta (i32.or (local.get $acc) (i32.ne (local.get $pc) (i32.const 0))))
        (call $packB
          (i32.add (local.get $B) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $rsB)) (i32.mul (local.get $jc) (local.get $csB))) (i32.const 2)))
          (local.get $csB) (local.get $rsB) (local.get $nc) (local.get $kc) (local.get $bpack))
        (local.set $ic (i32.const 0))
        (block $icd (loop $icl
          (br_if $icd (i32.ge_u (local.get $ic) (local.get $M)))
          (local.set $mc (select (i32.sub (local.get $M) (local.get $ic)) (i32.const ${MC})
            (i32.lt_u (i32.sub (local.get $M) (local.get $ic)) (i32.const ${MC}))))
          (call $packA
            (i32.add (local.get $A) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $rsA)) (i32.mul (local.get $pc) (local.get $csA))) (i32.const 2)))
            (local.get $rsA) (local.get $csA) (local.get $mc) (local.get $kc) (local.get $apack))
          (local.set $jr (i32.const 0))
          (block $jrd (loop $jrl
            (br_if $jrd (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $nr (select (i32.sub (local.get $nc) (local.get $jr)) (i32.const ${NR})
              (i32.lt_u (i32.sub (local.get $nc) (local.get $jr)) (i32.const ${NR}))))
            (local.set $ir (i32.const 0))
            (block $ird (loop $irl
              (br_if $ird (i32.ge_u (local.get $ir) (local.get $mc)))
              (local.set $mr (select (i32.sub (local.get $mc) (local.get $ir)) (i32.const ${MR})
                (i32.lt_u (i32.sub (local.get $mc) (local.get $ir)) (i32.const ${MR}))))
              (local.set $cp (i32.add (local.get $C)
                (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)) (i32.add (local.get $jc) (local.get $jr))) (i32.const 2))))
              (if (i32.and (i32.eq (local.get $mr) (i32.const ${MR})) (i32.eq (local.get $nr) (i32.const ${NR})))
                (then
                  (call $tile
                    (i32.add (local.get $apack) (i32.mul (local.get $ir) (i32.shl (local.get $kc) (i32.const 2))))
                    (i32.add (local.get $bpack) (i32.mul (local.get $jr) (i32.shl (local.get $kc) (i32.const 2))))
                    (local.get $kc) (local.get $cp) (local.get $ldcb) (local.get $beta)))
                (else
                  ;; an edge tile: compute into scratch, then add/copy the valid mr×nr part
                  (call $tile
                    (i32.add (local.get $apack) (i32.mul (local.get $ir) (i32.shl (local.get $kc) (i32.const 2))))
                    (i32.add (local.get $bpack) (i32.mul (local.get $jr) (i32.shl (local.get $kc) (i32.const 2))))
                    (local.get $kc) (local.get $scratch) (i32.const ${NR * 4}) (i32.const 0))
                  (local.set $r (i32.const 0))
                  (block $rd (loop $rl
                    (br_if $rd (i32.ge_u (local.get $r) (local.get $mr)))
                    (local.set $q (i32.const 0))
                    (block $qd (loop $ql
                      (br_if $qd (i32.ge_u (local.get $q) (local.get $nr)))
                      (local.set $src (i32.add (local.get $scratch) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const ${NR})) (local.get $q)) (i32.const 2))))
                      (local.set $dst (i32.add (local.get $cp) (i32.add (i32.mul (local.get $r) (local.get $ldcb)) (i32.shl (local.get $q) (i32.const 2)))))
                      (f32.store (local.get $dst)
                        (select (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))) (f32.load (local.get $src)) (local.get $beta)))
                      (local.set $q (i32.add (local.get $q) (i32.const 1)))
                      (br $ql)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $rl)))))
              (local.set $ir (i32.add (local.get $ir) (i32.const ${MR})))
              (br $irl)))
            (local.set $jr (i32.add (local.get $jr) (i32.const ${NR})))
            (br $jrl)))
          (local.set $ic (i32.add (local.get $ic) (i32.const ${MC})))
          (br $icl)))
        (local.set $pc (i32.add (local.get $pc) (i32.const ${KC})))
        (br $pcl)))
      (local.set $jc (i32.add (local.get $jc) (i32.const ${NC})))
      (br $jcl))))

  ;; im2col for an NHWC convolution: row (b, oh, ow) of P [B·OH·OW, KH·KW·C] holds the input
  ;; patch x[b, oh·sh − pt + kh·dh, ow·sw − pl + kw·dw, 0..C) for kh, kw in order, zeros off the image.
  ;; $geom points at 14 i32s: B H W C KH KW sh sw dh dw pt pl OH OW. With $mode 1 the same walk
  ;; scatters instead (col2im): x[…] += P[row, …] after zeroing x.
  (func (export "im2col") (param $x i32) (param $p i32) (param $geom i32) (param $mode i32)
    (local $B i32) (local $H i32) (local $W i32) (local $C i32) (local $KH i32) (local $KW i32)
    (local $sh i32) (local $sw i32) (local $dh i32) (local $dw i32) (local $pt i32) (local $pl i32)
    (local $OH i32) (local $OW i32)
    (local $b i32) (local $oh i32) (local $ow i32) (local $kh i32) (local $kw i32) (local $ih i32) (local $iw i32)
    (local $src i32) (local $row i32) (local $cb i32) (local $i i32) (local $end4 i32)
    (local.set $B (i32.load offset=0 (local.get $geom)))
    (local.set $H (i32.load offset=4 (local.get $geom)))
    (local.set $W (i32.load offset=8 (local.get $geom)))
    (local.set $C (i32.load offset=12 (local.get $geom)))
    (local.set $KH (i32.load offset=16 (local.get $geom)))
    (local.set $KW (i32.load offset=20 (local.get $geom)))
    (local.set $sh (i32.load offset=24 (local.get $geom)))
    (local.set $sw (i32.load offset=28 (local.get $geom)))
    (local.set $dh (i32.load offset=32 (local.get $geom)))
    (local.set $dw (i32.load offset=36 (local.get $geom)))
    (local.set $pt (i32.load offset=40 (local.get $geom)))
    (local.set $pl (i32.load offset=44 (local.get $geom)))
    (local.set $OH (i32.load offset=48 (local.get $geom)))
    (local.set $OW (i32.load offset=52 (local.get $geom)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (if (local.get $mode) (then
      (memory.fill (local.get $x) (i32.const 0)
        (i32.mul (i32.mul (i32.mul (local.get $B) (local.get $H)) (local.get $W)) (local.get $cb)))))
    (local.set $row (local.get $p))
    (local.set $b (i32.const 0))
    (block $bd (loop $bl (br_if $bd (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $oh (i32.const 0))
      (block $ohd (loop $ohl (br_if $ohd (i32.ge_u (local.get $oh) (local.get $OH)))
        (local.set $ow (i32.const 0))
        (block $owd (loop $owl (br_if $owd (i32.ge_u (local.get $ow) (local.get $OW)))
          (local.set $kh (i32.const 0))
          (block $khd (loop $khl (br_if $khd (i32.ge_u (local.get $kh) (local.get $KH)))
            (local.set $ih (i32.add (i32.sub (i32.mul (local.get $oh) (local.get $sh)) (local.get $pt)) (i32.mul (local.get $kh) (local.get $dh))))
            (local.set $kw (i32.const 0))
            (block $kwd (loop $kwl (br_if $kwd (i32.ge_u (local.get $kw) (local.get $KW)))
              (local.set $iw (i32.add (i32.sub (i32.mul (local.get $ow) (local.get $sw)) (local.get $pl)) (i32.mul (local.get $kw) (local.get $dw))))
              (if (i32.and (i32.lt_u (local.get $ih) (local.get $H)) (i32.lt_u (local.get $iw) (local.get $W)))
                (then
                  (local.set $src (i32.add (local.get $x)
                    (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $ih)) (local.get $W)) (local.get $iw)) (local.get $cb))))
                  (if (local.get $mode)
                    (then
                      (local.set $i (i32.const 0))
                      (block $vd (loop $vl (br_if $vd (i32.ge_u (local.get $i) (local.get $end4)))
                        (v128.store (i32.add (local.get $src) (local.get $i))
                          (f32x4.add (v128.load (i32.add (local.get $src) (local.get $i))) (v128.load (i32.add (local.get $row) (local.get $i)))))
                        (local.set $i (i32.add (local.get $i) (i32.const 16)))
                        (br $vl)))
                      (block $sd (loop $sl (br_if $sd (i32.ge_u (local.get $i) (local.get $cb)))
                        (f32.store (i32.add (local.get $src) (local.get $i))
                          (f32.add (f32.load (i32.add (local.get $src) (local.get $i))) (f32.load (i32.add (local.get $row) (local.get $i)))))
                        (local.set $i (i32.add (local.get $i) (i32.const 4)))
                        (br $sl))))
                    (else
                      (if (i32.ge_u (local.get $cb) (i32.const 64))
                        (then (memory.copy (local.get $row) (local.get $src) (local.get $cb)))
                        (else
                          (local.set $i (i32.const 0))
                          (block $sd (loop $sl (br_if $sd (i32.ge_u (local.get $i) (local.get $cb)))
                            (f32.store (i32.add (local.get $row) (local.get $i)) (f32.load (i32.add (local.get $src) (local.get $i))))
                            (local.set $i (i32.add (local.get $i) (i32.const 4)))
                            (br $sl))))))))
                (else (if (i32.eqz (local.get $mode)) (then (memory.fill (local.get $row) (i32.const 0) (local.get $cb))))))
              (local.set $row (i32.add (local.get $row) (local.get $cb)))
              (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
              (br $kwl)))
            (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
            (br $khl)))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $owl)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 1)))
        (br $ohl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; One Adam step over n floats, as tfjs computes it:
  ;;   m' = m·b1 + g·r1; v' = v·b2 + g²·r2; w' = (m'/c1) / (sqrt(v'/c2) + eps) · negLr + w
  ;; with c1 = 1 − b1^t, c2 = 1 − b2^t, and r1 = 1 − b1, r2 = 1 − b2 given (rounded from float64 as tfjs
  ;; does). Four floats at a time, then the n mod 4 left one at a time. Outputs may not alias inputs.
  (func (export "adam") (param $n i32) (param $w i32) (param $g i32) (param $m i32) (param $v i32)
      (param $wo i32) (param $mo i32) (param $vo i32)
      ${ADAM_SCALARS.map((x) => `(param $${x} f32)`).join(' ')}
    (local $i i32) (local $end i32) (local $gv v128) (local $mn v128) (local $vn v128) (local $gs f32) (local $ms f32) (local $vs f32)
    ${ADAM_SCALARS.map((x) => `(local $v${x} v128)`).join(' ')}
    ${ADAM_SCALARS.map((x) => `(local.set $v${x} (f32x4.splat (local.get $${x})))`).join('\n    ')}
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    ${adamLoop('f32x4', '$v', '$gv', '$mn', '$vn', 16)}
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    ${adamLoop('f32', '$', '$gs', '$ms', '$vs', 4)})

;; Σ x (squares = 0) or Σ x² (squares = 1) over n floats, in blocks of 1024: within a block
  ;; sixteen running float32 sums (four f32x4, so that the adds do not wait on each other),
  ;; each block's total then added in float64, as are the n mod 16 floats left at the end.
  ;; Not tfjs's order (one float32 running sum), and closer to the exact sum.
  (func (export "sum") (param $n i32) (param $x i32) (param $squares i32) (result f32)
    (local $i i32) (local $end i32) (local $block i32) (local $total f64) (local $t f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $p v128)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2)))
    (block $blocks (loop $bl
      (br_if $blocks (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $block (select (local.get $end) (i32.add (local.get $i) (i32.const 4096))
        (i32.lt_u (i32.sub (local.get $end) (local.get $i)) (i32.const 4096))))
      (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
      (if (local.get $squares)
        (then ${sumLoop(true)})
        (else ${sumLoop(false)}))
      (local.set $p (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
      (local.set $total (f64.add (local.get $total) (f64.promote_f32
        (f32.add (f32.add (f32x4.extract_lane 0 (local.get $p)) (f32x4.extract_lane 1 (local.get $p)))
                 (f32.add (f32x4.extract_lane 2 (local.get $p)) (f32x4.extract_lane 3 (local.get $p)))))))
      (br $bl)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $t (f32.load (i32.add (local.get $x) (local.get $i))))
      (local.set $total (f64.add (local.get $total) (f64.promote_f32 (if (result f32) (local.get $squares)
        (then (f32.mul (local.get $t) (local.get $t))) (else (local.get $t))))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l)))
    (f32.demote_f64 (local.get $total)))

  ;; One SGD step with momentum over n floats (see the header); outputs may not alias inputs.
  (func (export "sgd") (param $n i32) (param $w i32) (param $g i32) (param $b i32) (param $wo i32) (param $bo i32)
      ${SGD_SCALARS.map((x) => `(param $${x} f32)`).join(' ')} (param $nesterov i32)
    (local $i i32) (local $end i32) (local $gv v128) (local $bv v128) (local $gs f32) (local $bs f32)
    ${SGD_SCALARS.map((x) => `(local $v${x} v128)`).join(' ')}
    ${SGD_SCALARS.map((x) => `(local.set $v${x} (f32x4.splat (local.get $${x})))`).join('\n    ')}
    (if (local.get $nesterov)
      (then ${sgdHalf(true)})
      (else ${sgdHalf(false)})))
)
`;
}

async function assemble(variant, shared) {
  const wabt = await require('wabt')();
  const features = { simd: true, relaxed_simd: true, bulk_memory: true, threads: shared };
  const mod = wabt.parseWat(`infomax-${variant}${shared ? '-shared' : ''}.wat`, wat(variant, shared), features);
  mod.validate(features);
  const { buffer } = mod.toBinary({});
  mod.destroy();
  return Buffer.from(buffer);
}

async function render() {
  const [plain, fma, plainShared, fmaShared] = [
    await assemble('plain', false),
    await assemble('fma', false),
    await assemble('plain', true),
    await assemble('fma', true),
  ];
  return `// Generated by scripts/simd-kernels.js (npm run wasm -w @infomax/engine); do not edit.
/** Floats of scratch the gemm kernel needs at \`work\`. */
export const GEMM_WORK_FLOATS = ${WORK_FLOATS};
/**
 * The gemm's register tile (rows, columns). Every tile, edge tiles included, sums each
 * depth block from zero and then adds it to C, so an element's value does not depend on
 * where a call's rows or columns start; splitting a call on multiples of the tile keeps
 * every panel but the last full.
 */
export const GEMM_TILE = { rows: ${MR}, cols: ${NR} } as const;
/** Pages of the largest memory the shared builds import. */
export const SHARED_MAX_PAGES = ${SHARED_MAX_PAGES};
/** The kernels with f32x4.mul + f32x4.add (WebAssembly SIMD). */
export const PLAIN_BASE64 =
  '${plain.toString('base64')}';
/** The kernels with f32x4.relaxed_madd (relaxed SIMD). */
export const FMA_BASE64 =
  '${fma.toString('base64')}';
/** PLAIN_BASE64 importing a shared memory (threads: several instances on one memory). */
export const PLAIN_SHARED_BASE64 =
  '${plainShared.toString('base64')}';
/** FMA_BASE64 importing a shared memory. */
export const FMA_SHARED_BASE64 =
  '${fmaShared.toString('base64')}';
`;
}

module.exports = { wat, render, WORK_FLOATS };

if (require.main === module) {
  render().then((text) => {
    const out = path.join(__dirname, '..', 'src', 'kernels', 'simd', 'binary.ts');
    fs.writeFileSync(out, text);
    console.log(`wrote ${path.relative(process.cwd(), out)} (${text.length} chars)`);
  });
}
