// Starts the real gateway binary for a test: fresh data dir, optional config file, ports chosen by
// the OS (port 0). Readiness is the line the binary prints on stdout, never a sleep:
//   listening data=HOST:PORT admin=HOST:PORT
// Every gateway started here is killed when the test process exits, even if a test forgot stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export { rawRequest, RawConnection } from './raw_http.mjs';
export { startFakeProvider } from '../../fake_provider/server.mjs';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// Absolute, since the gateway runs with its data dir as working directory.
export const parapetBin = () => resolvePath(process.env.PARAPET_BIN || join(repoRoot, 'build/parapet'));

const live = new Set();
process.on('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

const LISTENING = /^listening data=(\S+):(\d+) admin=(\S+):(\d+)\s*$/;
const hostForUrl = (h) => (h.includes(':') ? `[${h}]` : h);

// Config text for upstream bases set in the config file rather than by --upstream; one place to
// change if the gateway's config spells it differently.
export function upstreamsToml(upstreams) {
  const lines = Object.entries(upstreams).map(([name, url]) => `${JSON.stringify(name)} = ${JSON.stringify(url)}`);
  return `[upstreams]\n${lines.join('\n')}\n`;
}

// Options: upstreams {name: url} (--upstream flags), config (TOML text for --config), env (added to
// the inherited environment, proxy variables excepted), args (more flags), bin (default
// parapetBin()), readyTimeoutMs.
// dataDir: reuse a data directory (restart tests); keepData: stop() leaves it in place.
export async function startGateway({ upstreams = {}, config, env = {}, args = [], bin = parapetBin(), readyTimeoutMs = 10_000, dataDir: givenDir, keepData = false } = {}) {
  const dataDir = givenDir ?? mkdtempSync(join(tmpdir(), 'parapet-it-'));
  const argv = ['serve', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--data-dir', dataDir];
  let configPath;
  if (config !== undefined) {
    configPath = join(dataDir, 'parapet.toml');
    writeFileSync(configPath, config);
    argv.push('--config', configPath);
  }
  for (const [name, url] of Object.entries(upstreams)) argv.push('--upstream', `${name}=${url}`);
  argv.push(...args);

  // Proxy variables from the test machine would change where upstream traffic goes, and an admin
  // token would lock the tests out of the admin API; a test that wants either passes it in `env`.
  const inherited = Object.fromEntries(Object.entries(process.env)
    .filter(([k]) => !/^(https?|all|no)_proxy$/i.test(k) && k !== 'PARAPET_ADMIN_TOKEN'));
  bin = resolvePath(bin);
  const proc = spawn(bin, argv, {
    cwd: dataDir,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let output = '';
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
    // A binary that cannot be started emits 'error' and never 'exit'.
    proc.on('error', (error) => {
      live.delete(proc);
      resolve({ code: null, signal: null, error });
    });
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { output += d; });

  const lines = createInterface({ input: proc.stdout });
  const ready = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      output += line + '\n';
      const m = LISTENING.exec(line);
      if (m) resolve(m);
    });
    exited.then(({ code, signal, error }) =>
      reject(error ? new Error(`cannot start ${bin}: ${error.message}`)
                   : new Error(`gateway exited (code ${code}, signal ${signal}) before listening:\n${output}`)));
  });
  ready.catch(() => {}); // a late failure after a timeout is reported by the timeout
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${bin} not listening after ${readyTimeoutMs} ms:\n${output}`)),
                       readyTimeoutMs);
  });
  let m;
  try {
    m = await Promise.race([ready, timeout]);
  } catch (err) {
    proc.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  } finally {
    clearTimeout(timer);
  }

  const [, dataHost, dataPort, adminHost, adminPort] = m;
  return {
    url: `http://${hostForUrl(dataHost)}:${dataPort}`,
    adminUrl: `http://${hostForUrl(adminHost)}:${adminPort}`,
    port: Number(dataPort),
    adminPort: Number(adminPort),
    proc,
    dataDir,
    configPath,
    exited,
    output: () => output,
    writeConfig: (text) => writeFileSync(configPath, text),
    // Sends `signal` and waits up to graceMs for the exit, then SIGKILL. Resolves {code, signal}.
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(t);
        if (!keepData) rmSync(dataDir, { recursive: true, force: true });
        // Under the sanitizers (scripts/sanitize.sh) a leak or an error report at exit makes the
        // exit code non-zero: the file fails with the report instead of passing silently.
        if (process.env.PARAPET_CHECK_EXIT && bin === resolvePath(parapetBin()) && signal === 'SIGTERM' &&
            result.code !== 0) {
          throw new Error(`gateway exited with ${result.code ?? result.signal} after SIGTERM:\n${output.slice(-12000)}`);
        }
        return result;
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return exited;
    },
  };
}
