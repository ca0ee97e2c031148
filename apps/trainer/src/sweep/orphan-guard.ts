/**
 * Preloaded (`node -r`) into every `infomax train` a sweep starts. When the process that
 * started it dies — a worker killed with SIGKILL, a machine's runner gone — its parent pid
 * changes; the run is then stopped as Ctrl-C would stop it (finish the step, checkpoint,
 * exit 130), so it releases its run folder to whichever worker takes the cell next, which
 * resumes it from that checkpoint. Sent once: a second signal would make the trainer exit
 * without its checkpoint.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(timer);
  process.kill(process.pid, 'SIGTERM');
}, 250);
timer.unref();

export {};
