/** Python with NumPy for format tests (Debian's python3-numpy installs for /usr/bin/python3). */
import { execFileSync, spawnSync } from 'child_process';

/** The first interpreter that imports numpy, or why none does. */
export function pythonWithNumpy(): { python: string | null; reason: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0) return { python, reason: '' };
  }
  return { python: null, reason: 'no python3 with numpy (apt-get install python3-numpy)' };
}

/** Runs a Python script with arguments and parses its stdout as JSON. */
export function runPythonJson(python: string, script: string, args: string[]): unknown {
  return JSON.parse(execFileSync(python, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}
