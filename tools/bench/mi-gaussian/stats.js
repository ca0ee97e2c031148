// Per-stage statistics of a run's estimates, over the last half of each stage (the
// first half is the critic catching up with the new MI).
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** { mi, mean, median, bias, variance, mse, medianError } of estimates `v` of true MI `mi`. */
function stats(v, mi) {
  const m = mean(v);
  const variance = mean(v.map((x) => (x - m) ** 2));
  const med = median(v);
  return { mi, mean: m, median: med, bias: m - mi, variance, mse: (m - mi) ** 2 + variance, medianError: med - mi };
}

/** {@link stats} of the last half of each stage. */
function stageStats(estimates, stages, stepsPerStage) {
  return stages.map((mi, k) => {
    const from = k * stepsPerStage + Math.floor(stepsPerStage / 2);
    return stats(Array.from(estimates.subarray(from, (k + 1) * stepsPerStage)), mi);
  });
}

module.exports = { stageStats, stats, mean, median };
