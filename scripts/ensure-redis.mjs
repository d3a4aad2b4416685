#!/usr/bin/env node
// Makes sure `redis-server` is on PATH for the spindle/cluster tests and bench (they start their
// own server on a free port). Exits 0 when it is there; otherwise, as root on a machine with
// apt-get, installs Debian's `redis-server` non-interactively and exits 0; otherwise prints how
// to install it and exits 1. `npm test` and .ci/run call it first.
import { spawnSync } from 'node:child_process';

const onPath = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

if (onPath('redis-server')) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
  console.log('redis-server is missing: installing it with apt-get (Debian package redis-server)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install =
    update.status === 0 &&
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env })
      .status === 0;
  // The package starts a system service on port 6379; the tests do not use it (each starts its own).
  if (install && onPath('redis-server')) process.exit(0);
  console.error('ensure-redis: apt-get could not install redis-server');
  process.exit(1);
}

console.error(`ensure-redis: redis-server (Redis >= 6.2) is not on PATH; the spindle/cluster tests need it.
Install it, then run the tests again:
  Debian/Ubuntu:  sudo apt-get install -y redis-server
  Fedora:         sudo dnf install -y redis
  macOS:          brew install redis
  other:          https://redis.io/docs/latest/operate/oss_and_stack/install/`);
process.exit(1);
