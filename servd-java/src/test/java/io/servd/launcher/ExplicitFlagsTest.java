package io.servd.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A JVM flag the user gives wins over the one servd-java would derive (under foo.service's 64M, 50%). */
class ExplicitFlagsTest {

    @ParameterizedTest(name = "{0} suppresses {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # explicit flag                     | derived flags it suppresses (space-separated)
        -Xmx100m                            | -Xmx10m -Xms8m
        -XX:MaxHeapSize=100m                | -Xmx10m -Xms8m
        -XX:MaxRAMPercentage=50             | -Xmx10m -Xms8m
        -Xms4m                              | -Xms8m
        -XX:MaxRAM=1g                       | -XX:MaxRAM=64m
        -XX:MaxMetaspaceSize=64m            | -XX:MaxMetaspaceSize=24m
        -XX:ReservedCodeCacheSize=32m       | -XX:ReservedCodeCacheSize=8m
        -XX:MaxDirectMemorySize=16m         | -XX:MaxDirectMemorySize=4m
        -Xss1m                              | -Xss256k
        -XX:TieredStopAtLevel=4             | -XX:TieredStopAtLevel=1
        -XX:+TieredCompilation              | -XX:TieredStopAtLevel=1
        -XX:+UseG1GC                        | -XX:+UseSerialGC
        -XX:+UseParallelGC                  | -XX:+UseSerialGC
        -XX:ActiveProcessorCount=4          | -XX:ActiveProcessorCount=1
        -XX:-ExitOnOutOfMemoryError         | -XX:+ExitOnOutOfMemoryError
        """)
    void explicitFlagWins(String explicit, String suppressed) {
        ServdJava.Result r = ServdJava.captured("debian12-systemd252").run("--print-flags", explicit, "-jar", "app.jar");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.flags()).doesNotContainAnyElementsOf(List.of(suppressed.split(" ")));
        assertThat(r.flags()).hasSize(11 - suppressed.split(" ").length);
        assertThat(r.notes()).contains("(explicit " + explicit + ")");
    }

    @Test
    void flagsFromTheJdkEnvironmentVariablesWinToo() {
        // the java launcher reads them before its command line, where the derived flags would win
        ServdJava.Result r = ServdJava.captured("debian12-systemd252")
                .env("JDK_JAVA_OPTIONS", "-XX:+UseZGC  -Xmx200m")
                .env("JAVA_TOOL_OPTIONS", "-XX:MaxMetaspaceSize=40m")
                .run("--print-flags", "-jar", "app.jar");

        assertThat(r.flags()).doesNotContain("-XX:+UseSerialGC", "-Xmx10m", "-Xms8m", "-XX:MaxMetaspaceSize=24m")
                .contains("-XX:ReservedCodeCacheSize=8m");
    }

    @Test
    void argumentsOfTheApplicationAreNotJvmFlags() {
        // after -jar FILE, the main class or -m MODULE everything belongs to the application;
        // the values of -cp and --add-opens are not flags either
        ServdJava.Result jar = ServdJava.captured("debian12-systemd252").run("--print-flags", "-jar", "app.jar", "-Xmx1g");
        ServdJava.Result main = ServdJava.captured("debian12-systemd252")
                .run("--print-flags", "-cp", "-Xmx1g", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "Main", "-Xss1m");
        ServdJava.Result module = ServdJava.captured("debian12-systemd252").run("--print-flags", "-m", "app/app.Main", "-XX:+UseG1GC");

        assertThat(jar.flags()).contains("-Xmx10m");
        assertThat(main.flags()).contains("-Xmx10m", "-Xss256k");
        assertThat(module.flags()).contains("-XX:+UseSerialGC");
    }
}
