#!/usr/bin/env bash
# Mutation testing of the pure rules (not in CI: a few minutes each). Each file is mutated by
# mutmut 2.5 (pip install -e '.[mutation]'), and only its own pure tests run against each mutant.
# Prints each file's score; `mutmut show N` shows a surviving mutant. Results: bench/notes.md.
set -euo pipefail
cd "$(dirname "$0")/.."
run() {
  local target=$1 tests=$2
  rm -f .mutmut-cache
  # A mutant that stops the module loading makes pytest exit 2 (a collection error), which
  # mutmut 2.5 would count as survived: any failure of the tests kills the mutant.
  .venv/bin/mutmut run --paths-to-mutate "$target" \
    --runner "sh -c '.venv/bin/python -m pytest -x -q -p no:cacheprovider $tests >/dev/null 2>&1 || exit 1'" >/dev/null 2>&1 || true
  echo "== $target ($tests)"
  .venv/bin/mutmut results 2>&1 | grep -E '^(Killed|Survived|Timeout|Suspicious|Skipped)|^---- |^[0-9]' || true
  .venv/bin/python - <<'PY'
import sqlite3
db = sqlite3.connect(".mutmut-cache")
rows = dict(db.execute("select status, count(*) from Mutant group by status").fetchall())
killed = rows.get("ok_killed", 0)
total = sum(rows.values())
print(f"score: {killed}/{total} killed", rows)
PY
}
run submissions/rules.py submissions/tests/test_rules.py
run targets/arithmetic.py targets/tests/test_arithmetic.py
