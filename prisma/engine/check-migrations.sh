#!/usr/bin/env bash
# Proves that the committed migrations (prisma/migrations) produce exactly the
# schema described by prisma/schema.prisma.
#
# How: `prisma migrate diff --from-migrations ... --to-schema ...` applies every
# migration to a throwaway shadow database and diffs the result against the
# schema. A migration that fails to apply fails the check too.
#
# Needs: a reachable PostgreSQL server (DATABASE_URL, default from
# prisma.config.ts) whose user may create databases. The target database
# itself need not exist and is never modified.
#
# Exit status: 0 in sync, 1 out of sync or any error.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

prisma="$root/node_modules/.bin/prisma"
schema="prisma/schema.prisma"
migrations="prisma/migrations"

fail() {
  echo "check-migrations: FAIL: $*" >&2
  exit 1
}

[ -x "$prisma" ] || fail "$prisma not found: run npm ci first."
[ -f "$schema" ] || fail "$schema not found."
ls "$migrations"/*/migration.sql >/dev/null 2>&1 ||
  fail "no migration in $migrations. Create one: npx prisma migrate dev --name init --create-only"

# No telemetry/update check: it would only time out offline.
export CHECKPOINT_DISABLE=1

stdout_file="$(mktemp)"
stderr_file="$(mktemp)"
trap 'rm -f "$stdout_file" "$stderr_file"' EXIT

"$prisma" migrate diff \
  --from-migrations "$migrations" \
  --to-schema "$schema" \
  --script \
  --exit-code >"$stdout_file" 2>"$stderr_file"
status=$?

# The script the engine prints when there is nothing to change.
empty_marker='-- This is an empty migration.'

case "$status" in
  0)
    # Exit 0 alone proves nothing: if the schema engine dies mid-request the
    # CLI also exits 0, printing nothing. Require the engine's own answer.
    if grep -qxF -- "$empty_marker" "$stdout_file"; then
      echo "check-migrations: OK: $migrations matches $schema."
      exit 0
    fi
    cat "$stderr_file" >&2
    fail "prisma migrate diff exited 0 without printing '$empty_marker'.
The schema engine probably died mid-request (see output above; rerun with DEBUG='prisma:schemaEngine*' for details)."
    ;;
  2)
    {
      echo "check-migrations: FAIL: $migrations does not match $schema."
      echo "SQL needed to bring the migrations in line with the schema:"
      echo "------------------------------------------------------------"
      cat "$stdout_file"
      echo "------------------------------------------------------------"
      echo "Create the missing migration (see prisma/engine/README.md):"
      echo "  npx prisma migrate dev --name <name> --create-only"
    } >&2
    exit 1
    ;;
  *)
    cat "$stdout_file" "$stderr_file" >&2
    fail "prisma migrate diff failed with exit status $status (see output above)."
    ;;
esac
