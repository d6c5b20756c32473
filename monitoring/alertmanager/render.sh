#!/bin/sh
# Writes alertmanager.yml (beside this script) to standard output for the environment: @NAME@
# becomes the value of NAME, and the lines between "# if NAME" and "# end NAME" are left out
# when NAME is empty. Values are inserted as they are: nothing in them is read as a placeholder.
set -eu
exec awk '
  /# if [A-Z_]+$/ { if (ENVIRON[$NF] == "") skipping = $NF; next }
  /# end [A-Z_]+$/ { if ($NF == skipping) skipping = ""; next }
  skipping != "" { next }
  {
    rest = $0; out = ""
    while (match(rest, /@[A-Z_]+@/)) {
      out = out substr(rest, 1, RSTART - 1) ENVIRON[substr(rest, RSTART + 1, RLENGTH - 2)]
      rest = substr(rest, RSTART + RLENGTH)
    }
    print out rest
  }
' "$(dirname "$0")/alertmanager.yml"
