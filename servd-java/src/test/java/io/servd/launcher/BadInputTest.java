package io.servd.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input stops servd-java with exit 2 and a message naming the value and its origin; java never runs. */
class BadInputTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # option     | value  | message part
        --memory-max | 12Q    | --memory-max [12Q]: expected bytes
        --memory-max | 64MB   | --memory-max [64MB]
        --memory-max | -1     | --memory-max [-1]
        --memory-max | 0      | --memory-max [0]: must be more than 0 bytes
        --memory-max | 1.5.2G | --memory-max [1.5.2G]
        --memory-max | 99999999T | --memory-max [99999999T]: more than 4 EiB
        --cpus       | 0      | --cpus [0]: expected a positive number
        --cpus       | two    | --cpus [two]
        --cpus       | -2     | --cpus [-2]
        """)
    void badOptionValue(String option, String value, String message) throws IOException {
        ServdJava.Result r = withFakeJdk(ServdJava.captured("hybrid-host")).run(option, value, "-jar", "app.jar");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("servd-java: ").contains(message);
        assertThat(r.stdout()).as("java must not run").isEmpty();
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
        # file in foo.service | content       | message part
        memory.max            | 64M           | malformed [64M] in [
        memory.max            | ''            | malformed [] in [
        cpu.max               | fifty 100000  | malformed quota [fifty] in [
        cpu.max               | 50000 0       | malformed period [0] in [
        cpu.max               | 50000 100000 9 | malformed period [100000 9] in [
        """)
    void malformedCgroupFile(String file, String content, String message) throws IOException {
        Fixtures.copyOf("debian12-systemd252", dir);
        Path target = dir.resolve("cgroupfs/debian12-systemd252/system.slice/foo.service").resolve(file);
        Files.writeString(target, content + "\n");

        ServdJava.Result r = withFakeJdk(ServdJava.in(dir, "debian12-systemd252")).run("-jar", "app.jar");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains(message + target + "]");
        assertThat(r.stdout()).as("java must not run").isEmpty();
    }

    @ParameterizedTest(name = "cpuset [{0}]")
    @ValueSource(strings = {"0-x", "3-1", "1,,2", "-1", "0-99999999999999999999"})
    void malformedCpuList(String list) throws IOException {
        Fixtures.v2Cpuset(dir, list, "max 100000");

        ServdJava.Result r = ServdJava.in(dir, "debian12-systemd252").run("--print-flags", "Main");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("malformed cpu list [" + list + "] in [", "foo.service/cpuset.cpus.effective]");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void servdJavaHomeWithoutJava() {
        String home = "/nonexistent/jdk";
        ServdJava.Result r = ServdJava.captured("hybrid-host").env("SERVD_JAVA_HOME", home).run("-version");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("SERVD_JAVA_HOME [" + home + "] has no executable [" + home + "/bin/java]");
    }

    private ServdJava withFakeJdk(ServdJava launcher) throws IOException {
        return launcher.env("SERVD_JAVA_HOME", ServdJava.fakeJdk(dir.resolve("jdk"), "17.0.15").toString());
    }
}
