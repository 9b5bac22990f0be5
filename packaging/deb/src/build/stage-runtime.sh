#!/bin/bash
# Builds what the .deb carries besides plain files: the jlink'd Java runtime, the native libraries
# taken out of the Netty/jffi jars, and the gzip'd changelog and man page.
# Run by exec-maven-plugin in the prepare-package phase of packaging/deb; see pom.xml for the
# arguments. Deterministic: the same JDK and the same jars give byte-identical output.
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: [EXTRA_MODULES=m1,m2] [OPTIONAL_MODULES=m3,m4] $0 JDK_HOME LIB_DIR OUT_DIR MAIN_JAR..." >&2
  exit 2
fi
jdk=$1          # JDK whose jlink, jdeps and jmods build the runtime
lib=$2          # the runtime jars of every main jar, one lib/ (copy-dependencies)
out=$3          # staging directory (target/stage)
shift 3
main_jars=("$@") # servd.jar (servd-agent) first, then servctl.jar (servd-servctl)
main_jar=${main_jars[0]}
extra=${EXTRA_MODULES:-}   # modules jdeps cannot see (reflection, service loading), comma-separated
optional=${OPTIONAL_MODULES:-} # modules jdeps sees that a library only optionally uses (requires static), left out

fail() { echo "[stage-runtime] ERROR: $*" >&2; exit 1; }

# --- 1. A JDK that can link ---------------------------------------------------------------------
for tool in jlink jdeps; do
  [ -x "$jdk/bin/$tool" ] || fail "no $tool in [$jdk/bin]: build with a full JDK 17+ (Debian: apt-get install openjdk-17-jdk-headless), or pass -Dservd.jlink.jdk=<JDK home>"
done
[ -f "$jdk/jmods/java.base.jmod" ] || fail "no jmods in [$jdk/jmods]: jlink needs them (Debian 12: openjdk-17-jdk-headless has them; Debian 13: apt-get install openjdk-17-jmods), or pass -Dservd.jlink.jdk=<JDK home with jmods>"
command -v strip >/dev/null || fail "no strip on PATH: apt-get install binutils"

# --- 2. The main jars' manifest Class-Paths must name exactly the jars in LIB_DIR -----------------
# Each name it has must be there, and each jar there must be named by one of them (the union: lib/ is
# shared, servctl needs no D-Bus or Prometheus jar and servd no JLine).
manifest_dir=$(mktemp -d)
trap 'rm -rf "$manifest_dir"' EXIT
all_classpaths=
for main in "${main_jars[@]}"; do
  rm -rf "$manifest_dir/META-INF"
  (cd "$manifest_dir" && "$jdk/bin/jar" xf "$main" META-INF/MANIFEST.MF) || fail "cannot read the manifest of [$main]"
  # Manifest lines are wrapped at 72 bytes; a continuation line starts with one space.
  classpath=$(tr -d '\r' < "$manifest_dir/META-INF/MANIFEST.MF" | awk '
    cp && /^ / { line = line substr($0, 2); next }
    cp { exit }
    /^Class-Path: / { cp = 1; line = substr($0, 13) }
    END { print line }')
  [ -n "$classpath" ] || fail "no Class-Path in the manifest of [$main]"
  for entry in $classpath; do
    [ -f "$lib/${entry#lib/}" ] || fail "$(basename "$main")'s Class-Path names [$entry], which is not in [$lib]"
  done
  all_classpaths="$all_classpaths $classpath"
done
for jar in "$lib"/*.jar; do
  case " $all_classpaths " in *" lib/$(basename "$jar") "*) ;; *) fail "[$jar] is on no main jar's Class-Path";; esac
done

# --- 3. Module set: what jdeps finds in the jars, plus the declared extras, less the optional ones ---
# --multi-release 17: the jars' Java 17 view; --ignore-missing-deps: optional dependencies of the
# libraries (e.g. Logback's Jakarta Servlet support, Netty's BlockHound) are not on the class path
# and are never loaded by servd. --list-deps, not --print-module-deps: the full list, so that leaving
# out an optional module (below) cannot drop a module it happened to imply (java.sql implies
# java.logging and java.xml, which Logback needs). Its other lines (a jar's own packages) are not modules.
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 17 --list-deps \
            "${main_jars[@]}" "$lib"/*.jar) || fail "jdeps failed on [${main_jars[*]}] and [$lib]"
modules=$(sed -n 's/^ *\(\(java\|jdk\)\.[a-z0-9.]*\)$/\1/p' <<<"$modules" | paste -sd, -)
if [ -n "$extra" ]; then
  modules="$modules,$extra"
fi
# A library's `requires static` module is one it works without (it checks before use); jdeps on a
# class path cannot tell, and lists it. Each left out must be such a module of every jar naming it.
for m in ${optional//,/ }; do
  grep -qx "$m" <<<"$(tr ',' '\n' <<<"$modules")" \
    || fail "OPTIONAL_MODULES names [$m], which jdeps no longer finds: drop it from servd.runtime.optionalModules"
  modules=$(tr ',' '\n' <<<"$modules" | grep -vx "$m" | paste -sd, -)
done
modules=$(tr ',' '\n' <<<"$modules" | sed '/^$/d' | LC_ALL=C sort -u | paste -sd, -)
echo "[stage-runtime] runtime modules: $modules"

# --- 4. jlink -----------------------------------------------------------------------------------
# --compress=2 (zip): 40 MB instead of 57 MB with =0 (before stripping; 35 MB after); with the
# CDS archive made by postinst the start-up cost of decompressing lib/modules was within noise. --strip-debug drops Java debug
# attributes; --no-header-files/--no-man-pages drop what a runtime never uses.
runtime="$out/runtime"
rm -rf "$runtime"
mkdir -p "$out"
"$jdk/bin/jlink" \
  --module-path "$jdk/jmods" \
  --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$runtime" || fail "jlink failed (JDK [$jdk])"
# Not shipped: legal/ (symlinks to java.base's notices; the licences are stated in
# /usr/share/doc/servd/copyright, as Debian expects), lib/jrt-fs.jar (lets *another* JDK read this
# image's modules; the runtime itself never loads it), lib/jexec (runs jars via binfmt_misc).
rm -rf "$runtime/legal" "$runtime/lib/jrt-fs.jar" "$runtime/lib/jexec"
printf '%s\n' "$modules" | tr ',' '\n' > "$out/runtime-modules.txt"
# Strip symbol tables as dh_strip does (Debian's JDK keeps them; lintian flags them as
# unstripped). The JVM resolves its JNI and JVM_* entry points through .dynsym, which stays;
# only hs_err crash reports lose names of native frames. strip is deterministic.
strip_elf() {
  strip --remove-section=.comment --remove-section=.note "$@" || fail "strip failed on [$*]"
}
while IFS= read -r -d '' so; do strip_elf --strip-unneeded "$so"; done \
  < <(find "$runtime" -name '*.so' -type f -print0)
strip_elf "$runtime"/bin/* "$runtime/lib/jspawnhelper"
"$runtime/bin/java" -version >/dev/null 2>&1 || fail "the linked runtime does not start: [$runtime/bin/java -version]"

# --- 5. Native libraries, so nothing is extracted to /tmp at run time ----------------------------
native="$out/native"
rm -rf "$native" "$out/native.tmp"
mkdir -p "$native" "$out/native.tmp"
extract() {  # extract JAR_GLOB ENTRY: copy one .so out of the one matching jar into $native
  local jars=( $1 )
  [ ${#jars[@]} -eq 1 ] && [ -f "${jars[0]}" ] || fail "expected exactly one jar matching [$1], found [${jars[*]}]"
  set -- "${jars[0]}" "$2"
  # "jar" comes with the JDK: no unzip needed on the build machine.
  (cd "$out/native.tmp" && "$jdk/bin/jar" xf "$1" "$2") || fail "cannot read [$2] from [$1]"
  [ -f "$out/native.tmp/$2" ] || fail "no [$2] in [$1]"
  install -m 0644 "$out/native.tmp/$2" "$native/"
  strip --remove-section=.comment --remove-section=.note --strip-unneeded "$native/$(basename "$2")" \
    || fail "strip failed on [$native/$(basename "$2")]"
}
# The .so names are those Netty's NativeLibraryLoader and jffi's StubLoader look up on
# java.library.path / jffi.boot.library.path before they fall back to extracting to the temp dir.
extract "$lib/netty-transport-native-epoll-*-linux-x86_64.jar" META-INF/native/libnetty_transport_native_epoll_x86_64.so
extract "$lib/netty-transport-native-io_uring-*-linux-x86_64.jar" META-INF/native/libnetty_transport_native_io_uring42_x86_64.so
extract "$lib/jffi-*-native.jar" jni/x86_64-Linux/libjffi-1.2.so
rm -rf "$out/native.tmp"
echo "[stage-runtime] native libraries: $(cd "$native" && ls | paste -sd' ' -)"

# --- 6. Smoke test: the linked runtime starts servd from the staged layout ----------------------
# servd.jar finds lib/ through its Class-Path, exactly as in /usr/share/servd; --version loads the
# main class and its command-line parser without binding a port.
version=$("$runtime/bin/java" -Djava.library.path="$native" -jar "$main_jar" --version 2>&1) \
  || fail "the linked runtime cannot start servd: [$runtime/bin/java -jar $main_jar --version] said [$version]"
echo "[stage-runtime] smoke test: $version"
for main in "${main_jars[@]:1}"; do
  version=$("$runtime/bin/java" -jar "$main" --version 2>&1) \
    || fail "the linked runtime cannot start [$main]: [$runtime/bin/java -jar $main --version] said [$version]"
  echo "[stage-runtime] smoke test: $version"
done
# servctl's JSON (jackson-databind) without the modules left out above: a check written as JSON
# serialises through the ObjectMapper, which would fail here if it needed one of them.
smoke_conf="$manifest_dir/servd.conf"
printf '[HTTP]\nListen=127.0.0.1:9470\n' > "$smoke_conf"
json=$("$runtime/bin/java" -jar "${main_jars[1]}" check --output json "$smoke_conf" 2>&1) \
  || fail "the linked runtime cannot run [servctl check --output json]: [$json]"
grep -q '"clean" : true' <<<"$json" || fail "servctl check --output json said [$json]"
echo "[stage-runtime] smoke test: servctl check --output json"
