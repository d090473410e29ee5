# shellcheck shell=bash
# Sourced by the project's scripts: selects a JDK 21+ into JAVA_HOME and PATH, whatever `java` is
# first on the PATH, or stops with a message saying what to install.

_jdk_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

_jdk_ok() { # true when $1/bin/java exists and is 21 or newer
  [ -x "$1/bin/java" ] || return 1
  local v; v=$(_jdk_major "$1/bin/java")
  [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null
}

select_jdk() {
  local c
  if [ -n "${JAVA_HOME:-}" ] && _jdk_ok "$JAVA_HOME"; then :
  elif command -v java >/dev/null 2>&1 && c=$(cd "$(dirname "$(readlink -f "$(command -v java)")")/.." && pwd) && _jdk_ok "$c"; then
    JAVA_HOME=$c
  else
    JAVA_HOME=
    for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
             /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      if [ -d "$c" ] && _jdk_ok "$c"; then JAVA_HOME=$c; break; fi
    done
    if [ -z "$JAVA_HOME" ]; then
      echo "error: no JDK 21 or newer found (JAVA_HOME, PATH, /usr/lib/jvm, ~/.sdkman were searched)." >&2
      echo "       Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21 from adoptium.net," >&2
      echo "       then run this command again (or set JAVA_HOME to it)." >&2
      return 1
    fi
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}
