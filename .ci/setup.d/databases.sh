#!/usr/bin/env bash
# Test prerequisite for ctx4j-jdbc: starts the local PostgreSQL (127.0.0.1:5432) and MariaDB
# (127.0.0.1:3306) if they are installed but not answering. Quiet and idempotent; never fails the
# run: the tests that need a database fail loudly under CI=true when it is still unreachable.
set +e

wait_for() { # wait_for <seconds> <command...>: polls until the command succeeds
  local left=$(( $1 * 10 )); shift
  until "$@" >/dev/null 2>&1; do
    (( left-- > 0 )) || return 1
    sleep 0.1
  done
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }
maria_up() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }

if command -v pg_ctlcluster >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1 && ! pg_up; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1
  done
  wait_for 30 pg_up
fi

if [[ -x /usr/sbin/mariadbd ]] && command -v mariadb-admin >/dev/null 2>&1 && ! maria_up; then
  if [[ ! -d /run/mysqld ]] && id mysql >/dev/null 2>&1; then
    install -d -o mysql -g mysql /run/mysqld >/dev/null 2>&1
  fi
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1
  wait_for 30 maria_up
fi

exit 0
