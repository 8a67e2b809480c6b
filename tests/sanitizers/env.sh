# Sourced before running the sanitizer build's tests. A sanitizer finding
# must abort the run: ASan's default exit code 1 would read as "banned
# software found" to the end-to-end tests, which run the binary. The image
# libraries' own leaks are suppressed (lsan.supp says why).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export LSAN_OPTIONS=suppressions=$here/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
