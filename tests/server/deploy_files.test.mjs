// The deploy files in the repo are real (docs/deploy.md): the systemd unit passes
// `systemd-analyze verify`, and the server started with exactly its ExecStart flags serves,
// keeps its secret where the unit says (mode 0600), reloads on its ExecReload signal and stops
// cleanly on its KillSignal. deploy/haproxy.cfg is exercised by balancer.test.mjs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHealth, makeWebRoot, repoRoot, runToExit, serverBinary, startServer, waitForLog } from './helpers.mjs';

const unitPath = path.join(repoRoot, 'deploy/peerline.service');

test('deploy/peerline.service verifies, and its ExecStart runs the server as documented', async () => {
  const unit = readFileSync(unitPath, 'utf8');
  const dir = mkdtempSync(path.join(tmpdir(), 'peerline-unit-'));
  try {
    // systemd's own checker, on the unit with the binary where this build put it.
    const copy = path.join(dir, 'peerline.service');
    writeFileSync(copy, unit.replaceAll('/usr/local/bin/peerline-server', path.resolve(serverBinary)));
    const verify = await runToExit('systemd-analyze', ['verify', '--man=no', copy]);
    assert.equal(verify.code, 0, `systemd-analyze verify: ${verify.stderr}`);

    // ExecStart's flags, with the paths systemd would fill in and a free loopback port.
    const exec = /^ExecStart=(\S+) (.*)$/m.exec(unit);
    assert.ok(exec, 'the unit has an ExecStart');
    const state = path.join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });  // systemd's StateDirectory=
    const web = makeWebRoot();
    const args = exec[2].replaceAll('${STATE_DIRECTORY}', state).split(/\s+/);
    const set = (flag, value) => { args[args.indexOf(flag) + 1] = value; };
    set('--port', '0');
    set('--address', '127.0.0.1');
    set('--web-root', web.root);
    const server = await startServer(args, { web });
    try {
      assert.equal((await getHealth(server)).status, 200);
      const secret = statSync(path.join(state, 'secret'));
      assert.equal(secret.mode & 0o777, 0o600, 'the secret is private');
      assert.match(server.stderr(), /^\{"event":"serving"/m, "json logs, as the unit asks");
      assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
      server.child.kill('SIGHUP');
      await waitForLog(server, /"event":"tls-reload"/);
      assert.match(unit, /^KillSignal=SIGTERM$/m);
    } finally {
      const result = await server.stop();  // SIGTERM: throws unless it exits 0
      assert.equal(result.code, 0);
      web.cleanup();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
