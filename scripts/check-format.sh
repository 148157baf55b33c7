#!/usr/bin/env bash
# Fails, naming the files, when a tracked C++ source differs from what clang-format (the repo's
# .clang-format) would write. `scripts/check-format.sh --fix` rewrites them instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed" >&2; exit 2; }

mapfile -t sources < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${sources[@]}"
    exit 0
fi

mapfile -t unformatted < <(clang-format --dry-run "${sources[@]}" 2>&1 | grep -E '^[^:]+:[0-9]+:[0-9]+: (warning|error):' | cut -d: -f1 | sort -u)
if ((${#unformatted[@]})); then
    echo "check-format: not formatted with clang-format (run scripts/check-format.sh --fix):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
fi
echo "check-format: ${#sources[@]} files formatted"
