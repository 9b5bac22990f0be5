package io.servd.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What servd-java hands to java: it replaces itself (the fake java reports the pid the test
 * started), with the derived flags before the user's arguments, unchanged and in order.
 */
class ExecTest {

    @TempDir
    Path dir;

    @Test
    void execsJavaInItsOwnProcessWithTheDerivedFlagsFirst() throws IOException {
        Path jdk = ServdJava.fakeJdk(dir.resolve("jdk"), "17.0.15");
        ServdJava.Result r = ServdJava.captured("debian12-systemd252").env("SERVD_JAVA_HOME", jdk.toString())
                .run("-Dgreeting=hello world", "-jar", "/opt/app dir/app.jar", "--port=8080", "two  spaces", "");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("pid=" + r.pid() + "\n");
        assertThat(r.stdout().lines().filter(l -> l.startsWith("arg=")).map(l -> l.substring(4)).toList())
                .containsExactly("-XX:MaxRAM=64m", "-Xmx10m", "-Xms8m", "-XX:MaxMetaspaceSize=24m",
                        "-XX:ReservedCodeCacheSize=8m", "-XX:MaxDirectMemorySize=4m", "-Xss256k",
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ActiveProcessorCount=1",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-Dgreeting=hello world", "-jar", "/opt/app dir/app.jar", "--port=8080", "two  spaces", "");
        assertThat(r.stdout()).contains("MALLOC_ARENA_MAX=2\n");
    }

    @Test
    void keepsTheCallersMallocArenaMax() throws IOException {
        Path jdk = ServdJava.fakeJdk(dir.resolve("jdk"), "17.0.15");
        ServdJava.Result r = ServdJava.captured("hybrid-host").env("SERVD_JAVA_HOME", jdk.toString())
                .env("MALLOC_ARENA_MAX", "4").run("-version");

        assertThat(r.stdout()).contains("MALLOC_ARENA_MAX=4\n", "arg=-version");
    }

    @Test
    void usesJavaOnPathWithoutServdJavaHomeOrThePackagedRuntime() throws IOException {
        assertThat(Path.of("/usr/lib/servd/runtime/bin/java")).as("the packaged runtime would be chosen first").doesNotExist();
        Path jdk = ServdJava.fakeJdk(dir.resolve("jdk"), "17.0.15");
        ServdJava.Result r = ServdJava.captured("hybrid-host").env("PATH", jdk.resolve("bin") + ":/usr/bin:/bin")
                .run("-version");

        assertThat(r.stdout()).startsWith("pid=" + r.pid() + "\n").contains("arg=-version");
    }

    @ParameterizedTest(name = "JDK {0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # runtime's JAVA_VERSION | archive mapped when app.jsa and app.aot are both next to app.jar
        # an AOT cache needs JDK 24+: JDK 17 gets the CDS archive
        17.0.15                  | -XX:SharedArchiveFile=app.jsa
        25.0.1                   | -XX:AOTCache=app.aot
        """)
    void mapsTheArchiveNextToTheJar(String javaVersion, String expected) throws IOException {
        Path jdk = ServdJava.fakeJdk(dir.resolve("jdk"), javaVersion);
        Path jar = Files.createFile(dir.resolve("app.jar"));
        Files.createFile(dir.resolve("app.jsa"));
        Files.createFile(dir.resolve("app.aot"));

        List<String> flags = ServdJava.captured("hybrid-host").env("SERVD_JAVA_HOME", jdk.toString())
                .run("--print-flags", "-jar", jar.toString()).flags();

        assertThat(flags).containsExactly(expected.replace("app.", dir + "/app."));
    }

    @Test
    void archiveOptionNamesOneElsewhereAndAnExplicitShareFlagWins() throws IOException {
        Path archive = Files.createFile(dir.resolve("servd.jsa"));

        ServdJava.Result given = ServdJava.captured("hybrid-host").run("--print-flags", "--archive", archive.toString(),
                "-jar", "app.jar");
        ServdJava.Result absent = ServdJava.captured("hybrid-host").run("--print-flags", "--archive",
                dir.resolve("none.jsa").toString(), "-jar", "app.jar");
        ServdJava.Result off = ServdJava.captured("hybrid-host").run("--print-flags", "--archive", archive.toString(),
                "-Xshare:off", "-jar", "app.jar");

        assertThat(given.flags()).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(absent.flags()).isEmpty();
        assertThat(absent.notes()).contains("does not exist");
        assertThat(off.flags()).isEmpty();
    }

    /** A relocated archive has every page dirtied: at small limits it is mapped where it was dumped. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        # --memory-max | extra flag                       | relocation flags expected
        64M            |                                  | true
        256M           |                                  | true
        257M           |                                  | false
        4G             |                                  | false
        64M            | -XX:ArchiveRelocationMode=1      | false
        64M            | -Xshare:off                      | false
        """)
    void mapsASmallServicesArchiveWhereItWasDumped(String memoryMax, String extra, boolean expected) throws IOException {
        Path archive = Files.createFile(dir.resolve("app.jsa"));
        List<String> args = new java.util.ArrayList<>(List.of("--print-flags", "--memory-max", memoryMax, "--archive",
                archive.toString()));
        if (extra != null) {
            args.add(extra);
        }
        args.addAll(List.of("-jar", "app.jar"));

        List<String> flags = ServdJava.captured("hybrid-host").run(args.toArray(String[]::new)).flags();

        if (expected) {
            assertThat(flags).containsSubsequence("-XX:SharedArchiveFile=" + archive, "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:ArchiveRelocationMode=0");
        } else {
            assertThat(flags).doesNotContain("-XX:ArchiveRelocationMode=0", "-XX:+UnlockDiagnosticVMOptions");
        }
    }
}
