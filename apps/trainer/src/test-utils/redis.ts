/** A private Redis for tests: Debian's `redis-server` on a free loopback port, persistence off. */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as net from 'net';

/** A running test instance. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (by its pid) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Why Redis tests cannot run here (no `redis-server` on the PATH), or null when they can. */
export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.error ? `redis-server is not installed (apt-get install redis-server): ${found.error.message}` : null;
}

/** A port nothing listens on right now (the OS's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server --port <free> --save '' --appendonly no` on 127.0.0.1; resolves once it accepts connections. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${output}`)), 10000);
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
