# Sourced by bin/servd and bin/servctl: sets $jar to daemon/target/servd.jar, building it first when
# it is missing or any main source, resource or pom of cgroup, netpoll and daemon is newer. Tests do
# not change the jar, so they do not count. The jar plugin leaves an unchanged jar untouched: touch it
# to remember that this build happened (else every run would build again).
# $1: the name to say in the "building" line.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jar="$root/daemon/target/servd.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root"/{cgroup,netpoll,daemon}/pom.xml \
        "$root"/{cgroup,netpoll,daemon}/src/main -type f -newer "$jar" -print -quit)" ]; then
    echo "$1: building $jar ..." >&2
    mvn -q -B -f "$root/pom.xml" -pl daemon -am package -DskipTests >&2
    touch "$jar"
fi
