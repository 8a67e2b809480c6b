#!/bin/sh
# Fails when the man page has lint warnings or misses an option of --help.
set -eu
page=$1
bin=$2
lint=$(mandoc -T lint -W warning "$page" 2>&1 || true)
if [ -n "$lint" ]; then
  echo "mandoc -T lint: $lint"
  exit 1
fi
missing=""
for cmd in "" scan inventory "catalog list" "catalog show" "catalog validate" collectors; do
  # shellcheck disable=SC2086
  for opt in $("$bin" $cmd --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    text=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
    printf '%s' "$text" | grep -q -- "$opt" || missing="$missing $opt"
  done
done
if [ -n "$missing" ]; then
  echo "options missing from the man page:$missing"
  exit 1
fi
echo "man page: lint clean, every option documented"
