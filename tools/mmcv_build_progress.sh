#!/usr/bin/env bash
# Filter `pip install -v mmcv` output (stdin) down to visible progress:
# one "compiling [k/N] file" line per compiled source, plus pip's own
# milestones and errors. Used by tools/install_env.sh.
n=0
while IFS= read -r line; do
    if [[ $line =~ ^[[:space:]]*\[([0-9]+/[0-9]+)\][[:space:]].*[[:space:]]-c[[:space:]]+([^[:space:]]+) ]]; then
        echo "  compiling [${BASH_REMATCH[1]}] ${BASH_REMATCH[2]##*/}"   # ninja
    elif [[ $line =~ ^[[:space:]]*\[([0-9]+/[0-9]+)\] ]]; then
        echo "  compiling [${BASH_REMATCH[1]}]"
    elif [[ $line =~ (gcc|g\+\+|c\+\+|nvcc)[^[:space:]]*[[:space:]].*[[:space:]]-c[[:space:]]+([^[:space:]]+\.(cpp|cc|cu)) ]]; then
        n=$((n + 1)); echo "  compiling #$n ${BASH_REMATCH[2]##*/}"       # setuptools
    elif [[ $line =~ (Successfully|ERROR|[Ee]rror:|Using cached|Building wheel|Created wheel) ]]; then
        echo "  ${line#"${line%%[![:space:]]*}"}"
    fi
done
