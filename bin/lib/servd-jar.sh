# Sourced by bin/servd and bin/servctl: sets $jar to MODULE/target/NAME.jar, building it first when
# it is missing or any main source, resource or pom of the modules it is made of is newer. Tests do
# not change the jar, so they do not count. The jar plugin leaves an unchanged jar untouched: touch it
# to remember that this build happened (else every run would build again).
# $1: the command, servd (module agent, servd.jar) or servctl (module servctl, servctl.jar).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case $1 in
    servd) module=agent; modules=(cgroup netpoll daemon daemon-logback agent-config agent) ;;
    servctl) module=servctl; modules=(cgroup netpoll agent-config servctl) ;;
    *) echo "servd-jar.sh: unknown command [$1]" >&2; exit 2 ;;
esac
jar="$root/$module/target/$1.jar"
sources=("$root/pom.xml")
for m in "${modules[@]}"; do sources+=("$root/$m/pom.xml" "$root/$m/src/main"); done
if [ ! -f "$jar" ] || [ -n "$(find "${sources[@]}" -type f -newer "$jar" -print -quit)" ]; then
    echo "$1: building $jar ..." >&2
    mvn -q -B -f "$root/pom.xml" -pl "$module" -am package -DskipTests >&2
    touch "$jar"
fi
